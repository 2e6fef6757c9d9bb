"""Connection profiles: the whole connection round-trips through the file and the keyring, and
the file never holds a secret (with a keyring, without one, exported)."""
from __future__ import annotations

import json

import pytest

from inspector.session.profiles import MASK, Profile, ProfileError, ProfileStore, masked
from inspector.session.secrets import SecretStore
from inspector.session.server_acks import AckReply
from inspector.wire.options import ConnectionOptions
from tests.keyrings import MemoryKeyring

SECRETS = ("s3cret-auth-token", "Bearer hdr-s3cret", "pa55word", "admin-s3cret")


def full_profile(name="dev") -> Profile:
    return Profile(
        name=name,
        options=ConnectionOptions(
            url="https://alice:pa55word@api.example.test:8443/chat", path="/ws", transport="websocket",
            protocol="v3+", parser="msgpack", auth={"token": "s3cret-auth-token", "n": 7},
            query={"room": "a b", "v": "2"}, headers={"Authorization": "Bearer hdr-s3cret"},
            verify_tls=False, connect_timeout=3.5, reconnection=False, reconnection_attempts=4,
            reconnection_delay=0.25, reconnection_delay_max=2.0, compression=False, buffer_offline=False,
            recovery=False, rejoin_rooms=False, ack_timeout=2.5, retries=3, tolerate_undecodable=True),
        namespaces=["/chat", "/admin"], ns_auth={"/admin": {"token": "admin-s3cret"}},
        rooms={"/chat": ["lobby", "ops"]}, join_event="subscribe", leave_event="unsubscribe",
        default_ack=AckReply(["ok"], 0.0, True),
        server_acks={"question": AckReply(["Ada", 1], 0.5, True), "quiet": AckReply([], 0.0, False)})


def assert_no_secret(path):
    text = path.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text, (secret, text)


def test_a_profile_round_trips_with_its_secrets_in_the_keyring_and_not_in_the_file(tmp_path, memory_keyring):
    store = ProfileStore(tmp_path)
    assert store.save(full_profile()) == []            # every secret kept (in the keyring)
    assert_no_secret(store.path)
    back = store.get("dev")
    assert back == full_profile() and back.missing == []
    assert back.options.url == "https://alice:pa55word@api.example.test:8443/chat"
    doc = json.loads(store.path.read_text())
    assert doc["format"] == "socketio-inspector profiles" and doc["version"] == 1
    assert doc["profiles"][0]["auth"] == {"token": {"$secret": "auth:token"}, "n": {"$secret": "auth:n"}}
    assert doc["profiles"][0]["url"] == "https://alice@api.example.test:8443/chat"
    assert ("socketio-inspector", "profile/dev/header:Authorization") in memory_keyring.values


def test_without_a_keyring_secrets_are_left_out_and_asked_for(tmp_path, no_keyring):
    store = ProfileStore(tmp_path)
    not_kept = store.save(full_profile())
    assert sorted(not_kept) == ["auth:n", "auth:token", "header:Authorization", "ns:/admin:token",
                                "url:password"]
    assert_no_secret(store.path)
    back = store.get("dev")
    assert sorted(back.missing) == sorted(not_kept)
    assert back.options.auth == {} and back.options.headers == {} and "pa55word" not in back.options.url
    assert back.options.transport == "websocket" and back.rooms == {"/chat": ["lobby", "ops"]}
    for slot, value in (("auth:token", "s3cret-auth-token"), ("auth:n", 7), ("url:password", "pa55word"),
                        ("header:Authorization", "Bearer hdr-s3cret"), ("ns:/admin:token", "admin-s3cret")):
        back.fill(slot, value)
    assert back == full_profile() and back.missing == []


def test_rename_duplicate_delete_carry_the_secrets_along(tmp_path, memory_keyring):
    store = ProfileStore(tmp_path)
    store.save(full_profile())
    store.rename("dev", "staging")
    assert store.names() == ["staging"]
    assert store.get("staging").options.auth["token"] == "s3cret-auth-token"
    assert not any(k[1].startswith("profile/dev/") for k in memory_keyring.values)
    copy = store.duplicate("staging")
    assert copy == "staging copy" and store.names() == ["staging", "staging copy"]
    assert store.get(copy).ns_auth == {"/admin": {"token": "admin-s3cret"}}
    with pytest.raises(ProfileError, match="exists already"):
        store.rename(copy, "staging")
    store.delete("staging")
    assert store.names() == ["staging copy"]
    assert not any(k[1].startswith("profile/staging/") for k in memory_keyring.values)
    assert_no_secret(store.path)


def test_export_leaves_secrets_out_and_import_asks_for_them(tmp_path, memory_keyring):
    mine = ProfileStore(tmp_path / "me")
    mine.save(full_profile())
    mine.save(Profile("plain", ConnectionOptions(url="http://127.0.0.1:5000")))
    shared = tmp_path / "team-profiles.json"
    assert mine.export(shared) == 2
    assert_no_secret(shared)
    theirs = ProfileStore(tmp_path / "them", SecretStore(MemoryKeyring()))    # a team mate's machine
    theirs.save(Profile("plain"))
    assert theirs.import_file(shared) == ["dev", "plain (2)"]
    got = theirs.get("dev")            # their keyring has none of my secrets
    assert sorted(got.missing) == ["auth:n", "auth:token", "header:Authorization", "ns:/admin:token",
                                   "url:password"]
    assert got.options.parser == "msgpack" and got.server_acks["question"] == AckReply(["Ada", 1], 0.5, True)


def test_show_masks_every_secret(tmp_path, memory_keyring):
    store = ProfileStore(tmp_path)
    store.save(full_profile())
    shown = json.dumps(masked(store.get_json("dev")), ensure_ascii=False)
    assert shown.count(MASK) == 5 and "$secret" not in shown


def test_a_newer_or_foreign_file_is_refused_with_words(tmp_path):
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps({"format": "socketio-inspector profiles", "version": 99, "profiles": []}))
    with pytest.raises(ProfileError, match="newer socketio-inspector"):
        ProfileStore(tmp_path).names()
    path.write_text("{}")
    with pytest.raises(ProfileError, match="not a socketio-inspector profiles file"):
        ProfileStore(tmp_path).names()
    with pytest.raises(ProfileError, match="no profile named 'x'"):
        ProfileStore(tmp_path / "empty").get("x")


TEMPLATE = {"name": "who am I", "event": "echo", "args": '{"token": "${env:API_TOKEN}"}', "ack": True,
            "timeout": 2.5, "compress": True, "volatile": False}


def test_a_profile_carries_its_emit_templates_through_the_file_export_and_import(tmp_path, memory_keyring):
    mine = ProfileStore(tmp_path / "me")
    profile = full_profile()
    profile.templates = [TEMPLATE]
    mine.save(profile)
    assert mine.get("dev").templates == [TEMPLATE]
    mine.set_templates("dev", [TEMPLATE, {**TEMPLATE, "name": "ping", "event": "ping", "args": ""}])
    assert [t["name"] for t in mine.get("dev").templates] == ["who am I", "ping"]
    assert mine.get("dev").options.parser == "msgpack"        # the rest as saved
    shared = tmp_path / "team.json"
    mine.export(shared)
    theirs = ProfileStore(tmp_path / "them", SecretStore(MemoryKeyring()))
    theirs.import_file(shared)
    assert [t["name"] for t in theirs.get("dev").templates] == ["who am I", "ping"]
    # a file written before profiles had templates reads as none
    doc = json.loads(mine.path.read_text())
    del doc["profiles"][0]["templates"]
    mine.path.write_text(json.dumps(doc))
    assert mine.get("dev").templates == []


def test_a_template_holding_a_secret_of_its_profile_is_refused(tmp_path, memory_keyring):
    store = ProfileStore(tmp_path)
    profile = full_profile()
    profile.templates = [{**TEMPLATE, "args": '{"token": "s3cret-auth-token"}'}]
    with pytest.raises(ProfileError, match=r"holds the auth token as typed; write it as \$\{env:NAME\}"):
        store.save(profile)
    profile.templates = [TEMPLATE]
    store.save(profile)
    with pytest.raises(ProfileError, match="holds the header Authorization"):
        store.set_templates("dev", [{**TEMPLATE, "args": '"Bearer hdr-s3cret"'}])
    assert_no_secret(store.path)
    assert store.get("dev").templates == [TEMPLATE]
