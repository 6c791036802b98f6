"""Web commands: ``healthgap user create`` (first admin) and ``healthgap serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import WorkspaceSource
from healthgap.cli import app, console

user_app = typer.Typer(help="Manage web accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")

DataDir = Annotated[Path, typer.Option(help="Folder of the web database and session secret.")]
DatabaseUrl = Annotated[
    str | None, typer.Option(help="Database URL (default: SQLite in the data folder).")
]


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="User name to sign in with.")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.")] = "viewer",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="At least 12 characters; prompted for when not given.",
        ),
    ] = ...,  # type: ignore[assignment]
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Create a web account that can sign in at once (e.g. the first admin)."""
    from healthgap.store import Database, create_user
    from healthgap.web.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=database_url)
    database = Database(settings.resolved_database_url())
    with database.unit_of_work() as session:
        create_user(session, username=username, password=password, role=role)
    database.dispose()
    console.print(f"created {role} account {username!r}")


@user_app.command("set-password")
def user_set_password(
    username: Annotated[str, typer.Argument(help="User name of the account.")],
    password: Annotated[
        str,
        typer.Option(
            prompt="New password",
            hide_input=True,
            confirmation_prompt=True,
            help="At least 12 characters; prompted for when not given.",
        ),
    ] = ...,  # type: ignore[assignment]
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Give an existing web account a new password (e.g. the demo admin's, shown only once)."""
    from healthgap.store import Database, set_password
    from healthgap.web.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=database_url)
    database = Database(settings.resolved_database_url())
    with database.unit_of_work() as session:
        set_password(session, username=username, password=password)
    database.dispose()
    console.print(f"new password set for {username!r}")


@app.command()
def serve(
    workspace: Annotated[Path | None, typer.Option(help="Workspace folder to serve.")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
    demo: Annotated[
        bool,
        typer.Option(
            help="Build (or reuse) the SYNTHETIC demo workspace at ./workspaces/demo-<size>, "
            "serve it and create a demo admin login."
        ),
    ] = False,
    demo_size: Annotated[
        str,
        typer.Option(help="Demo size: national (33,800 LSOAs) or small (one LA, quick start)."),
    ] = "national",
) -> None:
    """Serve the web workspace (sign in with an account from `healthgap user create`)."""
    import logging

    import uvicorn

    from healthgap.web import Settings, create_app

    name = "default"
    if workspace is not None and not demo:
        WorkspaceSource.open(workspace)  # a clear problem now, not a failed start later
    if demo:
        from healthgap.cli.demo import build_and_summarise

        workspace = build_and_summarise(demo_size, None)
        name = f"demo-{demo_size}"
    settings = Settings(
        data_dir=data_dir, database_url=database_url, workspace=workspace, workspace_name=name
    )
    web_app = create_app(settings)
    if demo:
        _ensure_demo_admin(web_app.state.database, data_dir)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    console.print(f"healthgap is serving on http://{host}:{port}")
    # access_log off: uvicorn's access log records client addresses (personal data); the
    # app logs method, path, status and time instead.
    uvicorn.run(web_app, host=host, port=port, access_log=False, log_level="warning")


def _ensure_demo_admin(database: object, data_dir: Path) -> None:
    """Create the demo admin once and print its password once (it is stored only hashed)."""
    import secrets

    from sqlalchemy import select

    from healthgap.store import User, create_user

    with database.unit_of_work() as session:  # type: ignore[attr-defined]
        if session.scalar(select(User.id).where(User.username == "demo")) is not None:
            console.print(
                "demo login: user [bold]demo[/] (its password was printed when it was created; "
                f"to choose a new one: healthgap user set-password demo --data-dir {data_dir})"
            )
            return
        password = secrets.token_urlsafe(12)
        create_user(session, username="demo", password=password, role="admin")
    console.print(f"demo login: user [bold]demo[/], password [bold]{password}[/] (shown once)")
