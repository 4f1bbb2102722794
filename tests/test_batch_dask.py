"""The Dask executor on a real (in-process, loopback-free) LocalCluster gives the tables of
the local run."""

from __future__ import annotations

import pytest
from test_batch import assert_same_tables, make_archive

from pipeline.run import RunOptions, run

distributed = pytest.importorskip("distributed")


def test_dask_local_cluster_run_equals_local_run(tmp_path, nlp):
    archive = make_archive(tmp_path / "archive", 6, docx=True, broken=True)
    local = run([archive], tmp_path / "local", nlp=nlp)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        options = RunOptions(executor="dask", scheduler=cluster.scheduler_address)
        on_dask = run([archive], tmp_path / "dask", options=options)
    assert on_dask.report["executor"] == "dask" and on_dask.report["extracted"] == 8
    assert [r.row for r in on_dask.results] == [r.row for r in local.results]
    assert_same_tables(tmp_path / "local", tmp_path / "dask")
