"""`seatback import readers FILE.csv`: validate every row, then create and update in one go."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core.management.base import CommandError

from seatback.library import imports
from seatback.readers.models import Reader
from tests.commands.conftest import counts, run, run_script, write_csv
from tests.conftest import PASSWORD, make_reader

HEADER = "card_number,name,password,kind,department\n"
GOOD = (
    HEADER
    + "20240001,王小明,first-pass,本科生,文学院\n"
    + "20240002,Li Hua,,postgraduate,数学与统计学院\n"
    + '20240003,"Zhang, San",s3cret,教职工,"Library, 2nd floor"\n'
    + "20240004,赵六,,,\n"
)


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path, "readers.csv", GOOD, bom=True, crlf=True)


def test_creates_readers_from_an_excel_file_with_bom(db: None, good_file: Path) -> None:
    out, _err = run("import", "readers", str(good_file))

    assert "4 created, 0 updated, 0 unchanged; passwords set: 2" in out
    wang = Reader.objects.get(card_number="20240001")
    assert (wang.name, wang.kind, wang.department) == ("王小明", "undergraduate", "文学院")
    assert wang.check_password("first-pass")
    assert not wang.password.startswith("first")
    li = Reader.objects.get(card_number="20240002")
    assert li.kind == Reader.Kind.POSTGRADUATE
    assert not li.has_usable_password()  # no password given: cannot sign in yet
    zhang = Reader.objects.get(card_number="20240003")
    assert (zhang.name, zhang.kind, zhang.department) == (
        "Zhang, San",
        "staff",
        "Library, 2nd floor",
    )
    zhao = Reader.objects.get(card_number="20240004")
    assert zhao.kind == Reader.Kind.UNDERGRADUATE  # the default for an empty kind
    assert not zhao.is_staff


def test_running_the_same_file_again_changes_nothing_and_hashes_nothing(
    db: None, good_file: Path
) -> None:
    run("import", "readers", str(good_file))
    before = dict(Reader.objects.values_list("card_number", "password"))

    out, _err = run("import", "readers", str(good_file))

    assert "0 created, 0 updated, 4 unchanged; passwords set: 0" in out
    assert dict(Reader.objects.values_list("card_number", "password")) == before
    assert Reader.objects.count() == 4


def test_updates_changed_readers_and_keeps_their_own_passwords(db: None, tmp_path: Path) -> None:
    bob = make_reader("20230002", "Bob 王", kind=Reader.Kind.POSTGRADUATE, department="法学院")
    lin = make_reader("L0001", "林老师", is_staff=True, kind=Reader.Kind.STAFF)
    nopass = Reader.objects.create_user("20230009", None, name="无密码")
    path = write_csv(
        tmp_path,
        "update.csv",
        HEADER
        + "20230002,Bob Wang,from-file,,外国语学院\n"  # empty kind: kept
        + "L0001,林老师,,其他,\n"
        + "20230009,无密码,given-now,本科生,\n",
    )

    out, _err = run("import", "readers", str(path))

    assert "0 created, 3 updated, 0 unchanged; passwords set: 1" in out
    bob.refresh_from_db()
    assert (bob.name, bob.kind, bob.department) == ("Bob Wang", "postgraduate", "外国语学院")
    assert bob.check_password(PASSWORD)  # the reader's own password is not overwritten
    lin.refresh_from_db()
    assert lin.kind == Reader.Kind.OTHER and lin.is_staff  # an import never changes roles
    nopass.refresh_from_db()
    assert nopass.check_password("given-now")  # had none, so the file's is set


def test_reset_passwords_replaces_existing_passwords(db: None, tmp_path: Path) -> None:
    bob = make_reader("20230002", "Bob 王")
    path = write_csv(tmp_path, "reset.csv", HEADER + "20230002,Bob 王,new-term,本科生,\n")

    out, _err = run("import", "readers", str(path), "--reset-passwords")

    assert "1 updated" in out and "passwords set: 1" in out
    bob.refresh_from_db()
    assert bob.check_password("new-term")


BAD = (
    HEADER
    + "20240001,王小明,pw,本科生,文学院\n"  # line 2: fine
    + ",没有卡号,pw,本科生,\n"  # line 3: no card number
    + "20240003,张三,pw,博士后,\n"  # line 4: unknown kind
    + "20240001,王小明又来了,pw,本科生,\n"  # line 5: duplicate of line 2
    + "20240005,李四,pw,本科生\n"  # line 6: a cell missing
    + "2024 0006,名字,pw,本科生,\n"  # line 7: a space in the card number
    + f"20240007,{'长' * 101},pw,本科生,\n"  # line 8: name too long
    + "20230002,Bob renamed,pw,本科生,\n"  # line 9: fine, but must not be written
)


def test_a_bad_file_names_every_bad_line_and_writes_nothing(db: None, tmp_path: Path) -> None:
    bob = make_reader("20230002", "Bob 王")
    path = write_csv(tmp_path, "bad.csv", BAD)
    before = counts()

    with pytest.raises(CommandError) as caught:
        run("import", "readers", str(path))

    message = str(caught.value)
    assert "6 bad rows; nothing was imported" in message
    for line, words in [
        (3, "card_number: required"),
        (4, "kind: '博士后' is not one of"),
        (5, "card_number 20240001 is already on line 2"),
        (6, "has 4 cells, expected 5"),
        (7, "card_number: must not contain spaces"),
        (8, "name: longer than 100 characters"),
    ]:
        assert f"line {line}: {words}" in message
    assert "line 2:" not in message and "line 9:" not in message
    assert counts() == before
    bob.refresh_from_db()
    assert bob.name == "Bob 王"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "the file is empty"),
        (b"card_number,name,kind,department\n1,a,,\n", "missing columns: password"),
        (b"card_number,name,password,kind,department,email\n", "unknown columns: 'email'"),
        (b"card_number;name;password;kind;department\n", "separate the columns with commas"),
        (HEADER.encode() + "1,王,pw,本科生,\n".encode("gbk"), "line 2: the file is not utf-8 text"),
        (HEADER.encode() + b'1,"unclosed,pw,,\n', "not valid CSV"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_clear_reason(
    db: None, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(content)

    with pytest.raises(CommandError, match="nothing was imported") as caught:
        run("import", "readers", str(path))

    assert words in str(caught.value)
    assert Reader.objects.count() == 0


def test_a_missing_file_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        run("import", "readers", str(tmp_path / "nope.csv"))


def test_a_gbk_file_imports_when_its_encoding_is_named(db: None, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "20240001,王小明,,本科生,文学院\n").encode("gbk"))

    run("import", "readers", str(path), "--encoding", "gb18030")

    assert Reader.objects.get(card_number="20240001").name == "王小明"


def test_the_message_is_in_the_library_language_by_default(db: None, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "bad.csv", HEADER + "1,a,,博士后,\n")

    with pytest.raises(CommandError) as caught:
        run("import", "readers", str(path), language=django_settings.LANGUAGE_CODE)  # zh-hans

    assert "第 2 行" in str(caught.value)
    assert "未导入任何数据" in str(caught.value)


def test_fast_hash_is_cheap_now_and_upgraded_at_the_first_sign_in(
    db: None, tmp_path: Path, settings: object
) -> None:
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    path = write_csv(tmp_path, "fast.csv", HEADER + "20240001,王小明,first-pass,本科生,\n")

    run("import", "readers", str(path), "--fast-hash")

    reader = Reader.objects.get(card_number="20240001")
    assert reader.password.startswith(f"pbkdf2_sha256${imports.FAST_HASH_ITERATIONS}$")
    assert authenticate(card_number="20240001", password="first-pass") == reader
    reader.refresh_from_db()
    full = identify_hasher(reader.password)
    assert reader.password.startswith(f"pbkdf2_sha256${full.iterations}$")  # type: ignore[attr-defined]
    assert full.iterations > imports.FAST_HASH_ITERATIONS  # type: ignore[attr-defined]
    assert check_password("first-pass", reader.password)


def test_fast_hash_needs_pbkdf2_among_the_hashers(
    db: None, tmp_path: Path, settings: object
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    path = write_csv(tmp_path, "fast.csv", HEADER + "20240001,王小明,first-pass,本科生,\n")

    with pytest.raises(CommandError, match="PBKDF2PasswordHasher"):
        run("import", "readers", str(path), "--fast-hash")

    assert Reader.objects.count() == 0


def test_a_large_file_shows_progress_and_imports_in_batches(db: None, tmp_path: Path) -> None:
    rows = [f"2025{n:05d},读者{n},{'pw' if n % 10 == 0 else ''},本科生,文学院" for n in range(2500)]
    path = write_csv(tmp_path, "big.csv", HEADER + "\n".join(rows) + "\n")

    out, err = run("import", "readers", str(path))

    assert "2500 created" in out and "passwords set: 250" in out
    assert "checking rows: 1,000/2,500 (40%)" in err
    assert "checking rows: 2,500/2,500 (100%)" in err
    assert "writing readers: 2,500/2,500 (100%)" in err
    assert Reader.objects.count() == 2500
    assert Reader.objects.get(card_number="202500010").check_password("pw")

    out, err = run("import", "readers", str(path))
    assert "0 created, 0 updated, 2500 unchanged" in out


def test_hash_passwords_uses_threads_and_keeps_the_order() -> None:
    passwords = [f"secret-{n}" for n in range(50)]

    hashes = imports.hash_passwords(passwords)

    assert len(set(hashes)) == 50
    assert all(check_password(p, h) for p, h in zip(passwords, hashes, strict=True))


@pytest.mark.django_db(transaction=True)
def test_the_seatback_script_exits_non_zero_on_a_bad_file(tmp_path: Path) -> None:
    make_reader("20230002", "Bob 王")
    bad = write_csv(tmp_path, "bad.csv", BAD)
    before = counts()

    result = run_script("import", "readers", str(bad), data_dir=tmp_path)

    assert result.returncode == 1, result.stderr
    assert "line 4" in result.stderr or "第 4 行" in result.stderr
    assert result.stdout == ""
    assert counts() == before
    assert Reader.objects.get(card_number="20230002").name == "Bob 王"

    good = write_csv(tmp_path, "good.csv", HEADER + "20240002,Li Hua,,postgraduate,\n")
    result = run_script("import", "readers", str(good), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert Reader.objects.filter(card_number="20240002", name="Li Hua").exists()


def test_on_a_fresh_data_folder_it_creates_the_tables_first(tmp_path: Path) -> None:
    """The first command a librarian runs may be the import: no traceback, readers in."""
    from tests.core.test_settings import clean_env, run_seatback

    csv = write_csv(tmp_path, "readers.csv", GOOD)
    data = tmp_path / "data"
    result = run_seatback(
        "import",
        "readers",
        str(csv),
        "--fast-hash",
        env=clean_env({"SEATBACK_DATA_DIR": str(data)}),
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "creating its tables" in result.stderr
    again = run_seatback(
        "import",
        "readers",
        str(csv),
        "--fast-hash",
        env=clean_env({"SEATBACK_DATA_DIR": str(data)}),
    )
    assert again.returncode == 0 and "creating its tables" not in again.stderr


def test_on_an_outdated_database_it_says_in_one_line_what_to_run(tmp_path: Path) -> None:
    from tests.core.test_settings import clean_env, run_seatback

    env = clean_env({"SEATBACK_DATA_DIR": str(tmp_path / "data")})
    assert run_seatback("migrate", env=env).returncode == 0
    assert run_seatback("migrate", "notifications", "zero", env=env).returncode == 0
    csv = write_csv(tmp_path, "readers.csv", GOOD)
    result = run_seatback("import", "readers", str(csv), env=env)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    pending = Path(__file__).parents[2] / "seatback" / "notifications" / "migrations"
    count = len(list(pending.glob("0*.py")))  # every migration of the app was unapplied
    assert line == (
        f"seatback: the database is not up to date ({count} migrations pending): "
        "run `seatback migrate` first"
    )
