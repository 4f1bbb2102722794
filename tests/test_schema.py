"""The data dictionary is generated from the schema and must match what is committed."""

from conftest import ROOT

from pipeline.schema import TABLES, data_dictionary_markdown


def test_data_dictionary_is_up_to_date():
    committed = (ROOT / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed.strip() == data_dictionary_markdown().strip(), (
        "run: protokoll schema > docs/data_dictionary.md"
    )


def test_minimum_columns_of_the_issue_are_there():
    required = {
        "documents": "document_id source_path source_format sha256 pages status error "
        "extractor_version",
        "meetings": "meeting_id document_id organization body date start_time end_time location",
        "attendees": "meeting_id person_id name name_raw roles attendance municipality party",
        "agenda_items": "meeting_id item_number title text page",
        "decisions": "decision_id meeting_id item_number text page",
        "actions": "action_id meeting_id item_number task due_date due_raw responsible "
        "responsible_raw page",
        "attachments": "meeting_id item_number filename",
    }
    for table, columns in required.items():
        assert set(columns.split()) <= set(TABLES[table].column_names), table
