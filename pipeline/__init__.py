"""protokoll: Swedish municipal meeting minutes into clean, queryable tables.

The pipeline runs in four stages, each its own module:

1. ``pipeline.backends``: one backend per input format, each producing a
   :class:`pipeline.model.Document`.
2. ``pipeline.structure``: finds the parts of a meeting (header, attendees, agenda
   items, decisions, actions, attachments) in that model.
3. ``pipeline.nlp``: a spaCy pipeline that tags persons, roles, municipalities and dates
   inside those parts; ``pipeline.normalize`` turns them into canonical values.
4. ``pipeline.export``: writes the normalized tables as CSV and Parquet.

``pipeline.run`` ties them together; ``pipeline.cli`` is a thin click layer over it.
"""

__version__ = "0.1.0"
