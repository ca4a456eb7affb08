"""A platform network's database roles (``labops.storage.roles``): the server refuses a
viewer's writes, whatever program they connect with; a member writes (what, the services
decide); someone whose access changes moves group at the next sync."""

from __future__ import annotations

import os
import tomllib

import pytest
import sqlalchemy as sa

from labops.db import Database
from labops.errors import InputError
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_document
from labops.storage.roles import group_names, sync_roles
from tests.conftest import FIXTURES, NOW
from tests.labops.test_fixture_errors import entry
from tests.tui.conftest import actor


def platform(logins: dict[str, str], access: dict[str, str]) -> dict:
    document = tomllib.loads((FIXTURES / "tiny.toml").read_text())
    for person, login in logins.items():
        entry(document, "people", person)["login"] = login
    for person, level in access.items():
        entry(document, "people", person)["access"] = level
    return document


@pytest.fixture
def login_roles(db_path):
    """Two login roles on the test server, named for this process; dropped after."""
    if getattr(db_path, "backend", "sqlite") != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    url = sa.make_url(str(db_path))
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    names = [f"labops_t{os.getpid()}_{who}" for who in ("viewer", "member", "gone")]
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
            connection.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN')
    yield url, names
    with admin.connect() as connection:
        roles = set(connection.exec_driver_sql("SELECT rolname FROM pg_roles").scalars())
        for name in [*names, *group_names(url.database)]:
            if name in roles:  # its grants in this database go first
                connection.exec_driver_sql(f'DROP OWNED BY "{name}"')
                connection.exec_driver_sql(f'DROP ROLE "{name}"')
    admin.dispose()


def as_role(url: sa.URL, role: str) -> sa.Engine:
    return sa.create_engine(url.set(username=role, password=None), poolclass=sa.NullPool)


def test_a_viewer_reads_and_the_server_refuses_their_writes(db: Database, login_roles) -> None:
    url, (viewer, member, gone) = login_roles
    document = platform({"cleo": viewer, "ada": member, "ben": "nobody-yet"}, {"cleo": "viewer"})
    load_platform(db, parse_platform_document(document, source="t"), actor=None, now=NOW)
    refused = pytest.raises(sa.exc.ProgrammingError, match="permission denied")
    with as_role(url, gone).connect() as connection, refused:  # in no group: reads nothing
        connection.exec_driver_sql("SELECT count(*) FROM request").scalar()
    read, write = group_names(url.database)
    with sa.create_engine(url, poolclass=sa.NullPool).begin() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{write}" NOLOGIN')
        connection.exec_driver_sql(f'GRANT "{write}" TO "{gone}"')  # not a person any more
    done = sync_roles(db, actor=actor(db, "eve"), now=NOW)
    assert done.groups == {viewer: read, member: write}
    assert done.missing == ["nobody-yet"] and done.removed == [gone]

    with as_role(url, viewer).connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM request").scalar() == 2
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            connection.exec_driver_sql("UPDATE request SET title = 'mine now'")
    with as_role(url, member).connect() as connection:
        connection.exec_driver_sql("UPDATE request SET note = 'seen' WHERE id = 1")
        connection.commit()
    refused = pytest.raises(sa.exc.ProgrammingError, match="permission denied")
    with as_role(url, gone).connect() as connection, refused:
        connection.exec_driver_sql("SELECT count(*) FROM request").scalar()


def test_only_an_admin_syncs_roles_and_only_on_postgresql(db: Database, db_path) -> None:
    load_platform(db, parse_platform_document(platform({}, {}), source="t"), actor=None, now=NOW)
    with pytest.raises(Exception, match="permission denied"):
        sync_roles(db, actor=actor(db, "dara"), now=NOW)
    if getattr(db_path, "backend", "sqlite") == "sqlite":
        with pytest.raises(InputError, match="database roles are PostgreSQL's"):
            sync_roles(db, actor=actor(db, "eve"), now=NOW)


def test_the_cli_syncs_and_names_who_has_no_role_yet(cli, login_roles, tmp_path) -> None:
    _, (viewer, _, _) = login_roles
    text = (FIXTURES / "tiny.toml").read_text()
    text = text.replace('id = "cleo"\n', f'id = "cleo"\nlogin = "{viewer}"\n', 1)
    text = text.replace('id = "ben"\n', 'id = "ben"\nlogin = "ben-has-none"\n', 1)
    path = tmp_path / "platform.toml"
    path.write_text(text)
    assert cli("load", str(path)).code == 0
    result = cli("--as", "eve", "roles")
    assert result.code == 0, result.err
    assert f"_write: {viewer}" in result.out  # Cleo is a member in the file: she writes
    assert "no database role yet for: ben-has-none" in result.out
    refused = cli("--as", "dara", "roles")
    assert refused.code == 4 and len(refused.err.strip().splitlines()) == 1
