"""Web commands: ``healthgap user create`` (first admin) and ``healthgap serve``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import WorkspaceSource
from healthgap.cli import app, console, styled

user_app = typer.Typer(help="Manage web accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")

DataDir = Annotated[Path, typer.Option(help="Folder of the web database and session secret.")]
DatabaseUrl = Annotated[
    str | None, typer.Option(help="Database URL (default: SQLite in the data folder).")
]


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="User name to sign in with.")],
    role: Annotated[
        str, typer.Option(help="staff (MECC logging only), viewer, analyst or admin.")
    ] = "viewer",
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
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes behind the one port (they share the database, sessions "
            "and background jobs).",
        ),
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler for background jobs, e.g. tcp://10.0.0.5:8786."),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated addresses of the reverse proxies whose X-Forwarded-For is "
            "believed (default: none, so the client address is the connection's)."
        ),
    ] = None,
) -> None:
    """Serve the web workspace (sign in with an account from `healthgap user create`)."""
    import logging

    import uvicorn

    from healthgap.web import Settings, create_app, settings_environment

    name = "default"
    if workspace is not None and not demo:
        WorkspaceSource.open(workspace)  # a clear problem now, not a failed start later
    if demo:
        from healthgap.cli.demo import build_and_summarise

        workspace = build_and_summarise(demo_size, None)
        name = f"demo-{demo_size}"
    fields = {"data_dir": data_dir, "database_url": database_url, "workspace": workspace,
              "workspace_name": name, "scheduler": scheduler,
              "forwarded_allow_ips": forwarded_allow_ips}  # fmt: skip
    settings = Settings(**{k: v for k, v in fields.items() if v is not None})
    web_app = create_app(settings)
    web_app.state.freeze_after_start = True  # a server process (see web.deps.lifespan)
    if demo:
        _ensure_demo_admin(web_app.state.database, data_dir)
        _ensure_mecc_demo(web_app.state.database)
        _ensure_demo_journeys(web_app.state.database, workspace, demo_size)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    console.print(f"healthgap is serving on http://{host}:{port} ({workers} process(es))")
    # access_log off: uvicorn's access log records client addresses (personal data); the
    # app logs method, path, status and time instead.
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, access_log=False, log_level="warning",
                    **settings.uvicorn_proxy_options())  # fmt: skip
        return
    _prepare_shared_state(web_app, settings)
    web_app.state.database.dispose()
    # Each process builds its own app from the same settings, passed in the environment.
    os.environ.update(settings_environment(settings))
    # A process busy preparing a national workspace may answer uvicorn's health check late;
    # it is not hung, so give it a minute before restarting it.
    uvicorn.run("healthgap.web:create_app_from_environment", factory=True, workers=workers,
                host=host, port=port, access_log=False, log_level="warning",
                timeout_worker_healthcheck=60,
                **settings.uvicorn_proxy_options())  # fmt: skip


def _prepare_shared_state(web_app: object, settings: object) -> None:
    """What the processes would otherwise race for, done once before they start: the
    schema (migrated when the app was created), the session secret and the workspace's
    entry in the database."""
    from healthgap.store import register_workspace

    settings.resolved_secret_key()  # type: ignore[attr-defined]
    workspace = settings.workspace  # type: ignore[attr-defined]
    if workspace is not None:
        source = WorkspaceSource.open(workspace)
        with web_app.state.database.unit_of_work() as session:  # type: ignore[attr-defined]
            register_workspace(session, name=settings.workspace_name,  # type: ignore[attr-defined]
                               path=str(Path(workspace).resolve()),
                               is_synthetic=source.is_synthetic)  # fmt: skip


def _ensure_demo_admin(database: object, data_dir: Path) -> None:
    """Create the demo admin once and print its password once (it is stored only hashed)."""
    import secrets

    from sqlalchemy import select

    from healthgap.store import User, create_user

    with database.unit_of_work() as session:  # type: ignore[attr-defined]
        if session.scalar(select(User.id).where(User.username == "demo")) is not None:
            console.print(
                styled(
                    "demo login: user ",
                    ("demo", "bold"),
                    " (its password was printed when it was created; to choose a new one: "
                    f"healthgap user set-password demo --data-dir {data_dir})",
                )
            )
            return
        password = secrets.token_urlsafe(12)
        create_user(session, username="demo", password=password, role="admin")
    console.print(
        styled(
            "demo login: user ",
            ("demo", "bold"),
            ", password ",
            (password, "bold"),
            " (shown once)",
        )
    )


def _ensure_mecc_demo(database: object) -> None:
    """Load the SYNTHETIC MECC organisations once, and a staff login that logs for one of
    their members of staff (its password printed once, when it is created)."""
    import secrets

    from healthgap.analyses import ensure_demo_staff_login, load_mecc_demo

    loaded = load_mecc_demo(database)  # type: ignore[arg-type]
    state = "loaded" if loaded.loaded else "already loaded"
    console.print(
        f"SYNTHETIC MECC demo {state}: {loaded.contacts:,} conversations from "
        f"{loaded.start.isoformat()} to {loaded.end.isoformat()}",
        markup=False,
    )
    password = secrets.token_urlsafe(12)
    if ensure_demo_staff_login(database, username="demo-staff", password=password):  # type: ignore[arg-type]
        console.print(
            styled(
                "MECC logging login: user ",
                ("demo-staff", "bold"),
                ", password ",
                (password, "bold"),
                " (shown once; open /mecc/log on a phone)",
            )
        )


def _ensure_demo_journeys(database: object, workspace: Path | None, size: str) -> None:
    """Store the SYNTHETIC worked example journey once (its funnel from the demo's service
    data), with its redesign and insight notes, about a persona card of the demo's stored
    SYNTHETIC segmentation (stored once too)."""
    from healthgap.analyses import load_demo_journeys
    from healthgap.store import register_workspace

    workspace_id = None
    if workspace is not None:  # the served workspace's entry (the app registered it)
        with database.unit_of_work() as session:  # type: ignore[attr-defined]
            workspace_id = register_workspace(session, name=f"demo-{size}",
                                              path=str(Path(workspace).resolve()),
                                              is_synthetic=True).id  # fmt: skip
    loaded = load_demo_journeys(database, workspace=workspace, size=size,  # type: ignore[arg-type]
                                workspace_id=workspace_id)  # fmt: skip
    state = "loaded" if loaded.summary["loaded"] else "already loaded"
    about = f" about {loaded.summary['segment']}" if loaded.summary["segment"] else ""
    console.print(f"SYNTHETIC worked example journey {state}{about}: /journeys", markup=False)
