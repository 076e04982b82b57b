"""``run.py dashboard``: the interactive dashboard in the browser, served offline from this machine."""

import errno
import ipaddress
import os
import socket
from pathlib import Path

from analysis.cli import InputError, directory_name, file_name, number_type

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


port_number = number_type(int, "a port number", lambda v: 1 <= v <= 65535, "must be 1..65535")


def register(subparsers):
    parser = subparsers.add_parser(
        "dashboard", help="design a scenario with the levers and watch it against its base in the browser",
        description="Start the interactive dashboard: pick a base scenario, set levers from chosen months, run "
                    "replicate pairs live against the base under common random numbers, save the design as a "
                    "scenario file for run.py run and download the results as CSV. Every page asset is served "
                    "from the installed packages (no CDN) and telemetry is off.")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a --host other machines can reach; the dashboard has no login, so anyone who "
                             "reaches it can run the model and write scenario files")
    parser.add_argument("--scenario", metavar="FILE", type=file_name, help="base scenario to open with (default "
                                                           "scenarios/baseline.toml)")
    parser.add_argument("--save-dir", metavar="DIR", type=directory_name, default="my_scenarios",
                        help="where Save as scenario writes files (default my_scenarios/); existing files are "
                             "never replaced")
    parser.set_defaults(func=main)


def check_host(host: str, allow_remote: bool) -> bool:
    """Whether ``host`` is loopback; a non-loopback host needs ``--allow-remote``."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        raise InputError(f"--host: expected an IP address or localhost, got {host!r}") from None
    if not loopback and not allow_remote:
        raise InputError(f"--host: {host} is reachable from other machines and the dashboard has no login; "
                         f"add --allow-remote to serve it there anyway")
    return loopback


def check_port(host: str, port: int):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the server binds: a port left in TIME_WAIT by a server that just stopped is free, a listening one not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            # A port in use or reserved is the port's fault; an address this machine does not have is the host's.
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                raise InputError(f"--port: cannot listen on {host}:{port} ({error.strerror}); choose another port "
                                 f"with --port") from None
            raise InputError(f"--host: cannot listen on {host}:{port} ({error.strerror or error}); choose an "
                             f"address of this machine with --host") from None


def offline_environment(scenario_file: str, save_dir: str) -> dict[str, str]:
    """Environment for the Solara server: the page's start-up choices, no telemetry, and a CDN address that
    cannot be reached, so an asset missing from the installed packages fails loudly instead of being fetched."""
    return {"SOLARA_APP": "analysis.dashboard.app", "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
            "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/no-cdn/", "SOLARA_THEME_VARIANT": "light",
            "TAJMIG_DASHBOARD_SCENARIO": str(Path(scenario_file).resolve()),
            "TAJMIG_DASHBOARD_SAVE_DIR": str(Path(save_dir).resolve()), "MPLBACKEND": "Agg"}


def main(args):
    from analysis.dashboard import session
    from sim import scenario

    scenario_file = args.scenario or str(session.DEFAULT_BASE)
    if args.scenario is not None:
        try:
            scenario.load(args.scenario)
        except scenario.ScenarioError as error:
            raise InputError(f"--scenario: {error}") from None
    if Path(args.save_dir).exists() and not Path(args.save_dir).is_dir():
        raise InputError(f"--save-dir: {args.save_dir} exists and is not a directory")
    loopback = check_host(args.host, args.allow_remote)
    check_port(args.host, args.port)
    os.environ.update(offline_environment(scenario_file, args.save_dir))

    import uvicorn

    shown = f"[{args.host}]" if ":" in args.host else args.host
    reach = "this machine only (loopback); use --host and --allow-remote to serve other machines" if loopback \
        else "reachable from other machines, with no login"
    print(f"tajmig dashboard at http://{shown}:{args.port}/  ({reach}; Ctrl-C stops it)", flush=True)
    uvicorn.run("solara.server.starlette:app", host=args.host, port=args.port, log_level="warning")
    return 0
