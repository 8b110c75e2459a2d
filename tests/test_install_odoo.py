"""A machine without Odoo: scripts/run and scripts/test say how to get Odoo 19.0 Community and
install it when asked; scripts/install-odoo installs it from a git source at a pinned commit into
a project-local virtualenv. Here the source is a local git copy of the Odoo this machine runs
(ODOO_SOURCE), trimmed to the server, the modules a new database installs and the other modules'
manifests (the module list and its categories), and the installed Odoo then creates a database."""

import ast
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import odoo.release
from odoo.tests import BaseCase, tagged
from odoo.tools import config

ROOT = Path(__file__).resolve().parent.parent
ODOO_TREE = Path(odoo.release.__file__).resolve().parent.parent
TREE_FILES = ["odoo", "setup", "odoo-bin", "setup.py", "setup.cfg", "requirements.txt"]
TREE_FILES += ["MANIFEST.in", "LICENSE"]


def modules_installed_with_base():
    """The modules of addons/ a new database installs: the server-wide ones and those
    auto-installed from them (their manifests say so), with the modules their code imports."""
    manifests = {
        path.parent.name: ast.literal_eval(path.read_text())
        for path in (ODOO_TREE / "addons").glob("*/__manifest__.py")
    }
    installed = {"base", "web", "rpc"}
    grown = True
    while grown:
        grown = False
        for name, manifest in manifests.items():
            auto, depends = manifest.get("auto_install"), set(manifest.get("depends", []))
            triggers = depends if auto is True else set(auto or [None])
            if name not in installed and depends <= installed and triggers <= installed:
                installed.add(name)
                grown = True
    return with_imported_modules(installed - {"base"})


def with_imported_modules(modules):
    """``modules`` and every module of addons/ their Python code imports, recursively."""
    modules, todo = set(modules), list(modules)
    while todo:
        for path in (ODOO_TREE / "addons" / todo.pop()).rglob("*.py"):
            for name in re.findall(r"odoo\.addons\.(\w+)", path.read_text(errors="replace")):
                if name not in modules and (ODOO_TREE / "addons" / name).is_dir():
                    modules.add(name)
                    todo.append(name)
    return modules


def run(command, env=None, timeout=900, **kwargs):
    return subprocess.run(
        command,
        env={**clean_environ(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )


def clean_environ():
    """This process's environment without what points Python at this machine's Odoo."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "ODOO_PATH", "VIRTUAL_ENV", "ODOO_INSTALL", "PYTHON")
    }


def psql(db, query):
    """``query`` on database ``db`` of the test's PostgreSQL server, unaligned."""
    return run(
        [
            "psql",
            "-h",
            config["db_host"],
            "-p",
            str(config["db_port"]),
            "-U",
            config["db_user"],
            "-d",
            db,
            "-qtAc",
            query,
        ]
    )


def git(tree, *args):
    subprocess.run(
        ["git", "-C", str(tree), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


@tagged("post_install", "-at_install")
class TestInstallOdoo(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work = Path(tempfile.mkdtemp(prefix="install-odoo-"))
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        cls.source = cls.work / "odoo-copy"
        cls.commit = cls.local_git_copy(cls.source)
        cls.venv = cls.work / "venv"
        cls.installed = run(
            [str(ROOT / "scripts" / "install-odoo")],
            env={
                "ODOO_SOURCE": str(cls.source),
                "ODOO_COMMIT": cls.commit,
                "ODOO_VENV": str(cls.venv),
            },
        )

    @classmethod
    def local_git_copy(cls, target):
        target.mkdir()
        parts = TREE_FILES + [f"addons/{name}" for name in modules_installed_with_base()]
        for part in parts:
            source = ODOO_TREE / part
            if source.is_dir():
                shutil.copytree(
                    source,
                    target / part,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "enterprise"),
                )
            elif source.exists():
                shutil.copy2(source, target / part)
        # the manifests of the other modules: the module list and its categories come from them
        for manifest in (ODOO_TREE / "addons").glob("*/__manifest__.py"):
            module = target / "addons" / manifest.parent.name
            if not module.exists():
                module.mkdir()
                shutil.copy2(manifest, module / manifest.name)
        git(target, "init", "-q")
        git(target, "add", "-A")
        git(target, "commit", "-qm", "Odoo 19.0 Community, local copy")
        git(target, "commit", "-q", "--allow-empty", "-m", "a later commit, not the pinned one")
        return subprocess.run(
            ["git", "-C", str(target), "rev-parse", "HEAD~1"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def venv_python(self, code):
        result = run([str(self.venv / "bin" / "python"), "-c", code], cwd=str(self.work))
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def test_odoo_is_installed_at_the_pinned_commit_in_the_virtualenv(self):
        self.assertEqual(self.installed.returncode, 0, self.installed.stderr[-3000:])
        self.assertEqual(
            self.venv_python("import odoo.release as r; print(r.version_info[:2])"), "(19, 0)"
        )
        self.assertEqual(
            self.venv_python("import odoo, os; print(os.path.realpath(odoo.__path__[0]))"),
            str((self.venv / "src" / "odoo" / "odoo").resolve()),
        )
        head = subprocess.run(
            ["git", "-C", str(self.venv / "src" / "odoo"), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.assertEqual(head, self.commit, "the pinned commit, not the source's newest")
        # our own requirements are there too
        self.venv_python("import openpyxl, wechatpy, docx, pytest_odoo")

    def test_the_scripts_find_the_installed_odoo(self):
        self.assertEqual(self.installed.returncode, 0, self.installed.stderr[-3000:])
        found = run(
            ["bash", "-c", f'source "{ROOT}/scripts/common.sh"; find_odoo; echo "$PYTHON"'],
            env={"ODOO_VENV": str(self.venv)},
        )
        self.assertEqual(found.returncode, 0, found.stderr)
        self.assertEqual(found.stdout.strip(), str(self.venv / "bin" / "python"))

    def test_the_installed_odoo_creates_a_database(self):
        self.assertEqual(self.installed.returncode, 0, self.installed.stderr[-3000:])
        db = f"install_odoo_{uuid.uuid4().hex[:8]}"
        tree = self.venv / "src" / "odoo"
        connection = [
            f"--db_host={config['db_host']}",
            f"--db_port={config['db_port']}",
            f"--db_user={config['db_user']}",
        ]
        created = run(
            [
                str(self.venv / "bin" / "python"),
                str(tree / "odoo-bin"),
                *connection,
                f"--addons-path={tree / 'addons'}",
                f"--data-dir={self.work / 'data'}",
                "-d",
                db,
                "-i",
                "base",
                "--stop-after-init",
                "--log-level=warn",
            ],
            cwd=str(self.work),
        )
        try:
            self.assertEqual(created.returncode, 0, created.stderr[-3000:])
            state = psql(
                db,
                "SELECT name || ':' || state FROM ir_module_module"
                " WHERE name IN ('base', 'web') ORDER BY name",
            )
            self.assertEqual(
                state.stdout.split(), ["base:installed", "web:installed"], state.stderr
            )
        finally:
            psql("postgres", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    def test_without_odoo_the_scripts_say_how_to_get_it_and_stop(self):
        bare = self.work / "bare"
        subprocess.run(["python3", "-m", "venv", "--without-pip", str(bare)], check=True)
        for script in ("run", "test"):
            result = run(
                [str(ROOT / "scripts" / script)],
                env={
                    "PYTHON": str(bare / "bin" / "python"),
                    "ODOO_VENV": str(self.work / "no-venv"),
                    "CI": "true",
                    "PGPORT": "1",  # were it to go on, nothing would be started on the cluster
                },
                stdin=subprocess.DEVNULL,
            )
            self.assertNotEqual(result.returncode, 0, script)
            self.assertIn("Odoo 19.0 Community is not importable", result.stderr, script)
            self.assertIn("scripts/install-odoo", result.stderr, script)
            self.assertIn("git clone --branch 19.0", result.stderr, script)
            self.assertIn("ODOO_INSTALL=yes", result.stderr, script)
            self.assertNotIn("Starting PostgreSQL", result.stderr, script)
        self.assertFalse((self.work / "no-venv").exists(), "nothing installed unasked")

    def test_asked_to_the_scripts_install_odoo_and_go_on(self):
        self.assertEqual(self.installed.returncode, 0, self.installed.stderr[-3000:])
        bare = self.work / "bare-asked"
        subprocess.run(["python3", "-m", "venv", "--without-pip", str(bare)], check=True)
        found = run(
            ["bash", "-c", f'source "{ROOT}/scripts/common.sh"; find_odoo; echo "$PYTHON"'],
            env={
                "PYTHON": str(bare / "bin" / "python"),
                "ODOO_INSTALL": "yes",
                "ODOO_SOURCE": str(self.source),
                "ODOO_COMMIT": self.commit,
                "ODOO_VENV": str(self.venv),
            },
        )
        self.assertEqual(found.returncode, 0, found.stderr[-3000:])
        self.assertIn("Odoo source already at", found.stderr)
        self.assertEqual(found.stdout.strip().splitlines()[-1], str(self.venv / "bin" / "python"))

    def test_a_source_that_is_not_odoo_19_community_is_refused(self):
        older = self.work / "odoo-18"
        (older / "odoo").mkdir(parents=True)
        (older / "odoo" / "release.py").write_text("version_info = (18, 0, 0, FINAL, 0, '')\n")
        enterprise = self.work / "odoo-ee"
        shutil.copytree(older, enterprise)
        (enterprise / "odoo" / "release.py").write_text("version_info = (19, 0, 0, FINAL, 0, '')\n")
        (enterprise / "enterprise" / "web_enterprise").mkdir(parents=True)
        (enterprise / "enterprise" / "web_enterprise" / "__manifest__.py").write_text(
            "{'name': 'Web Enterprise', 'license': 'OEEL-1'}\n"
        )
        for source, message in ((older, "is not Odoo 19.0"), (enterprise, "Enterprise modules")):
            venv = self.work / f"venv-{source.name}"
            result = run(
                [str(ROOT / "scripts" / "install-odoo")],
                env={"ODOO_SOURCE": str(source), "ODOO_VENV": str(venv)},
            )
            self.assertNotEqual(result.returncode, 0, source)
            self.assertIn(message, result.stderr)
            self.assertFalse(venv.exists(), "nothing installed from a refused source")

    def test_odd_commits_and_someone_elses_checkout_are_left_alone(self):
        for commit in ("--upload-pack=touch /tmp/pwned", "HEAD", self.commit[:12]):
            result = run(
                [str(ROOT / "scripts" / "install-odoo")],
                env={
                    "ODOO_SOURCE": str(self.source),
                    "ODOO_COMMIT": commit,
                    "ODOO_VENV": str(self.work / "venv-odd"),
                },
            )
            self.assertNotEqual(result.returncode, 0, commit)
            self.assertIn("ODOO_COMMIT must be a full commit id", result.stderr)
        self.assertFalse((self.work / "venv-odd").exists())
        # a checkout of one's own where the script would put Odoo: kept, and the script stops
        own = self.work / "venv-own" / "src" / "odoo"
        own.mkdir(parents=True)
        (own / "my-work.txt").write_text("not Odoo's")
        result = run(
            [str(ROOT / "scripts" / "install-odoo")],
            env={
                "ODOO_SOURCE": str(self.source),
                "ODOO_COMMIT": self.commit,
                "ODOO_VENV": str(own.parent.parent),
            },
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("was not made by scripts/install-odoo", result.stderr)
        self.assertEqual((own / "my-work.txt").read_text(), "not Odoo's")
