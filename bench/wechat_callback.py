"""WeChat callback under load (微信回调压测): signed pushes from this process to an Odoo
server on loopback with the workers Odoo's deployment guide advises (2 x cores + 1), at a
fixed rate, 10 % of them sent again as WeChat retries. Prints events/s, p50/p99 latency,
the duplicates stored (must be 0), the same rate against Odoo's own /web/health route on
the same server, and how fast the queue job then handles the events.

    python3 bench/wechat_callback.py [--rate 200] [--seconds 10] [--mode plain|safe]
"""

import argparse
import asyncio
import http.client
import os
import random
import statistics
import subprocess
import sys
import time
import uuid

from common import ROOT, ensure_database, odoo_env, odoo_server_command, psql

PORT = int(os.environ.get("BENCH_HTTP_PORT", "8071"))
# Odoo's deployment guide: workers = 2 x CPU cores + 1
WORKERS = 2 * (os.cpu_count() or 1) + 1
APP_ID, TOKEN = "wx_bench_account", "bench-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def prepare_account(mode, conversion="manual"):
    with odoo_env() as env:
        account = env["wechat.account"].search([("app_id", "=", APP_ID)])
        values = {
            "name": "Bench account",
            "app_id": APP_ID,
            "app_secret": "x",
            "token": TOKEN,
            "encoding_aes_key": AES_KEY,
            "encrypt_mode": mode,
            "conversion_trigger": conversion,
            "conversion_target": "lead",
        }
        account = account.write(values) and account if account else account.create(values)
        env.cr.execute("DELETE FROM wechat_message WHERE account_id = %s", [account.id])
        env.cr.execute(
            "DELETE FROM crm_lead WHERE id IN (SELECT lead_id FROM wechat_follower "
            "WHERE account_id = %s)",
            [account.id],
        )
        env.cr.execute("DELETE FROM wechat_follower WHERE account_id = %s", [account.id])
        env.cr.commit()
        return account.id


def odoo_process(log_name, port, workers, *options, cron_threads=0):
    """An Odoo server on the bench database, its output in ``.run/<log_name>``, with the cron
    limit of deploy/odoo.conf.template: the job runs as long as pushes keep coming."""
    log = open(ROOT / ".run" / log_name, "w")
    cmd = odoo_server_command(
        port,
        workers,
        *options,
        f"--log-level={os.environ.get('BENCH_LOG_LEVEL', 'warn')}",
        "--limit-time-real-cron=3600",
        cron_threads=cron_threads,
    )
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)


def start_server(workers, cron_threads=0):
    if port_answers():
        sys.exit(f"a server answers on port {PORT} already (a bench left running?): stop it first")
    server = odoo_process(
        "bench-wechat-server.log", PORT, workers, "--limit-time-real=60", cron_threads=cron_threads
    )
    for _ in range(120):
        try:
            request("GET", "/web/health")
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit("the Odoo server did not start: see .run/bench-wechat-server.log")


def port_answers():
    try:
        request("GET", "/web/health")
    except OSError:
        return False
    return True


def start_cron_server(cron_threads=2):
    """The scheduled actions in their own process, as ``deploy/systemd/odoo-cron.service`` and the
    compose file's cron container run them (``--no-http --workers=0``). Not Odoo's prefork cron
    worker: that one lowers its own priority (``os.nice(10)``), so it gets a tenth of an HTTP
    worker's share of the CPU while they answer."""
    cron = odoo_process(
        "bench-wechat-cron.log", PORT + 1, 0, "--no-http", cron_threads=cron_threads
    )
    # ready once it runs a waking of the queue job (its registry loaded, its threads listening):
    # the load must not begin before, as in production, where it runs before the pushes come
    with odoo_env() as env:
        waking = env.ref("wechat_leads.ir_cron_process_messages")._trigger().id
        env.cr.commit()
    for _ in range(240):
        if not psql("-Atc", f"SELECT id FROM ir_cron_trigger WHERE id = {int(waking)}").strip():
            return cron
        time.sleep(0.5)
    cron.kill()
    sys.exit("the scheduled actions' process did not start: see .run/bench-wechat-cron.log")


def request(method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        start = time.perf_counter()
        conn.request(
            method, path, body=body, headers={"Content-Type": "text/xml", "Connection": "close"}
        )
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    finally:
        conn.close()


def push(index, created, mode, event=None):
    from wechatpy.crypto import WeChatCrypto  # noqa: PLC0415
    from wechatpy.utils import WeChatSigner  # noqa: PLC0415

    sender = f"<FromUserName><![CDATA[oBench{index % 5000:05d}]]></FromUserName>"
    if event:  # a new follower: its own OpenID, the event's time as its retry key
        sender = f"<FromUserName><![CDATA[oBenchNew{index:06d}]]></FromUserName>"
    xml = f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>{sender}" + (
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event></xml>"
        if event
        else f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[压测消息 {index}]]></Content><MsgId>{10**12 + index}</MsgId></xml>"
    )
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    signer = WeChatSigner()
    signer.add_data(TOKEN, timestamp, nonce)
    query = f"signature={signer.signature}&timestamp={timestamp}&nonce={nonce}"
    if mode == "safe":
        encrypted = WeChatCrypto(TOKEN, AES_KEY, APP_ID).encrypt_message(xml, nonce, timestamp)
        msg_signature = encrypted.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
        return (
            f"/wechat/callback/{APP_ID}?{query}&encrypt_type=aes&msg_signature={msg_signature}",
            encrypted.encode(),
        )
    return f"/wechat/callback/{APP_ID}?{query}", xml.encode()


def prepared_pushes(count, created, mode, seed, subscribe_share=0.0):
    """``count`` pushes signed (and encrypted) beforehand, so that the load is not slowed by it,
    with the index each one carries: one push in ten is the retry of an earlier one (same MsgId),
    as WeChat resends when slow; ``subscribe_share`` of them new followers subscribing (the same
    index, so also its retries)."""
    rng = random.Random(seed)
    indexes, pushes = [], []
    for index in range(count):
        if index > 10 and rng.random() < 0.1:
            index = rng.randrange(index - 10, index)
        subscribe = (index * 2654435761) % 1000 < subscribe_share * 1000
        indexes.append(index)
        pushes.append(push(index, created, mode, event="subscribe" if subscribe else None))
    return indexes, pushes


def load(rate, seconds, requests_of):
    """Open loop: request i leaves at start + i / rate, whatever the answers' speed (asyncio,
    one short connection per request as WeChat does, so that the generator stays light)."""
    total = int(rate * seconds)
    return asyncio.run(_load(rate, [requests_of(index) for index in range(total)]))


async def _load(rate, prepared, in_flight=16):
    latencies, statuses = [], []
    # more simultaneous connections than the server's listen backlog get dropped, and the
    # SYN retries (1 s, 3 s...) would measure the kernel; WeChat's servers space theirs too
    slots = asyncio.Semaphore(in_flight)

    async def one(method, path, body):
        start = time.perf_counter()
        try:
            async with slots:
                status = await _exchange(method, path, body)
        except OSError:
            status = 0  # refused or reset: WeChat would count it as unanswered and retry
        latencies.append(time.perf_counter() - start)
        statuses.append(status)

    async def _exchange(method, path, body):
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Content-Type: text/xml\r\nContent-Length: {len(body or b'')}\r\n\r\n"
        )
        writer.write(head.encode() + (body or b""))
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()
        writer.close()
        return int(status_line.split()[1]) if status_line else 0

    start = time.perf_counter()
    tasks = []
    for index, (method, path, body) in enumerate(prepared):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(method, path, body)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "sent": len(prepared),
        "per_second": len(prepared) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": sum(1 for status in statuses if status != 200),
    }


def cpu_per_request(server, requests):
    """Milliseconds of CPU the Odoo server and PostgreSQL spend per request, sent one at a time:
    what the machine's cores must supply for each push, whatever the concurrency."""
    meter = CpuMeter(odoo=server)
    for method, path, body in requests:
        request(method, path, body)
    spent = meter.seconds()
    return (spent["odoo"] + spent["postgres"]) * 1000 / len(requests)


def measure(rate=200, seconds=10, mode="plain", workers=WORKERS):
    """Load the callback and /web/health at ``rate``; then count what was stored and run the
    queue."""
    account_id = prepare_account(mode)
    server = start_server(workers)
    try:
        created = int(time.time())
        indexes, pushes = prepared_pushes(rate * seconds, created, mode, seed=7)
        health = ("GET", "/web/health", None)
        load(rate // 4, 2, lambda i: health)  # warm up the workers
        ours = load(rate, seconds, lambda i: ("POST", *pushes[i]))
        standard = load(rate, seconds, lambda i: health)
        cpu = {
            "ours": cpu_per_request(
                server, [("POST", *push(10**7 + i, created, mode)) for i in range(300)]
            ),
            "standard": cpu_per_request(server, [health] * 300),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    with odoo_env() as env:
        # the pushes of the load (MsgId 10^12 + index), not those of the CPU measure
        # (10^12 + 10^7 + i)
        env.cr.execute(
            """SELECT count(*), count(DISTINCT dedupe_key) FROM wechat_message
                           WHERE account_id = %s AND dedupe_key::bigint < %s""",
            [account_id, 10**12 + 10**7],
        )
        stored, distinct = env.cr.fetchone()
        start = time.perf_counter()
        env["wechat.message"]._cron_process()
        processed_s = time.perf_counter() - start
        env.cr.execute(
            "SELECT count(*) FROM wechat_message WHERE account_id = %s AND state = 'done'",
            [account_id],
        )
        done = env.cr.fetchone()[0]
    unique = len(set(indexes))
    return {
        "ours": ours,
        "standard": standard,
        "cpu": cpu,
        "stored": stored,
        "duplicates": stored - distinct,
        "unique": unique,
        "retries": len(indexes) - unique,
        "lost": max(unique - stored, 0),
        "processed": done,
        "processed_s": processed_s,
    }


def measure_processing(
    rate=200, seconds=60, subscribe_share=0.1, workers=WORKERS, drain=180, jobs_apart=False
):
    """Pushes at ``rate`` for ``seconds`` to a server with the advised workers and one cron worker
    (with ``jobs_apart``: the scheduled actions in their own process, as deployed), which handles
    them as they come (a share of them new followers subscribing, each made a lead): the backlog
    every 5 s during the load and after it until handled; processed per s."""
    account_id = prepare_account("plain", conversion="auto")
    indexes, pushes = prepared_pushes(
        rate * seconds, int(time.time()), "plain", seed=11, subscribe_share=subscribe_share
    )
    unique = set(indexes)
    # Odoo's prefork cron worker by default (comparable with earlier rounds); with ``jobs_apart``,
    # the jobs in their own process as deployed, where the other due jobs run beside the queue
    due = due_jobs()
    server = start_server(workers, cron_threads=0 if jobs_apart else 1)
    cron, samples = None, []
    try:
        cron = start_cron_server() if jobs_apart else None
        load(rate // 4, 2, lambda i: ("GET", "/web/health", None))  # warm up the workers
        sampler = BacklogSampler(account_id)
        cpu = CpuMeter(odoo=server, jobs=cron)
        sampler.start()
        answered = load(rate, seconds, lambda i: ("POST", *pushes[i]))
        loaded_at = time.perf_counter() - sampler.started
        cores = cpu.cores()
        # the backlog now, not the last sample's: a load that ends just before a sample would
        # otherwise stop the wait with the pushes of its last seconds still waiting
        while sampler.backlog() and time.perf_counter() - sampler.started < seconds + drain:
            time.sleep(1)
        sampler.stop()
        samples = sampler.samples
    finally:
        for process in filter(None, (server, cron)):
            process.terminate()
            process.wait(timeout=30)
    with odoo_env() as env:
        env.cr.execute(
            """SELECT count(*), count(DISTINCT dedupe_key), count(*) FILTER (WHERE state = 'done'),
                      count(*) FILTER (WHERE state = 'error'),
                      (SELECT count(*) FROM wechat_follower
                        WHERE account_id = %(account)s AND lead_id IS NOT NULL)
                 FROM wechat_message WHERE account_id = %(account)s""",
            {"account": account_id},
        )
        stored, distinct, done, failed, leads = env.cr.fetchone()
    finished = next((t for t, _s, d, _b in samples if d == stored), None)
    return {
        "answered": answered,
        "samples": samples,
        "loaded_at": loaded_at,
        "stored": stored,
        "duplicates": stored - distinct,
        "lost": max(len(unique) - stored, 0),
        "done": done,
        "failed": failed,
        "leads": leads,
        "finished_at": finished,
        "cores": cores,
        "due": due,
    }


def due_jobs():
    """The other scheduled actions due now: the cron service runs them beside the queue."""
    rows = psql(
        "-Atc",
        """SELECT cron_name FROM ir_cron c
            WHERE active AND cron_name NOT LIKE 'WeChat: handle%'
              AND (nextcall <= now() AT TIME ZONE 'UTC'
                   OR EXISTS(SELECT FROM ir_cron_trigger t
                              WHERE t.cron_id = c.id AND t.call_at <= now() AT TIME ZONE 'UTC'))
         ORDER BY nextcall""",
    )
    return [name for name in rows.splitlines() if name]


class CpuMeter:
    """The cores each side used since the meter was made: Odoo's processes (``name=process``, with
    their children), PostgreSQL's, and this load generator's."""

    def __init__(self, **processes):
        import psutil  # noqa: PLC0415

        self.psutil = psutil
        self.processes = {name: process for name, process in processes.items() if process}
        self.started, self.before = time.perf_counter(), self._seconds()

    def seconds(self):
        after = self._seconds()
        return {name: after[name] - self.before.get(name, 0.0) for name in after}

    def cores(self):
        elapsed = time.perf_counter() - self.started
        return {name: spent / elapsed for name, spent in self.seconds().items()}

    def _seconds(self):
        groups = {}
        for name, popen in self.processes.items():
            root = self.psutil.Process(popen.pid)
            groups[name] = [root, *root.children(recursive=True)]
        groups["postgres"] = [
            process
            for process in self.psutil.process_iter(["name"])
            if process.info["name"] == "postgres"
        ]
        groups["generator"] = [self.psutil.Process()]
        return {name: self._cpu(group) for name, group in groups.items()}

    def _cpu(self, processes):
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except self.psutil.Error:
                continue
            # with what its children that ended (Odoo's recycled workers) spent
            total += times.user + times.system + times.children_user + times.children_system
        return total


class BacklogSampler:
    """Every ``every`` seconds, on its own connection: (seconds since start, stored, done,
    backlog) of the account's pushes."""

    def __init__(self, account_id, every=5):
        import threading  # noqa: PLC0415

        self.account_id, self.every, self.samples = account_id, every, []
        self.started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.started = time.perf_counter()
        self._sample()
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self):
        while not self._stop.wait(self.every):
            self._sample()

    def backlog(self):
        stored, done = self._counts()
        return stored - done

    def _sample(self):
        stored, done = self._counts()
        self.samples.append((time.perf_counter() - self.started, stored, done, stored - done))

    def _counts(self):
        rows = psql(
            "-Atc",
            "SELECT count(*), count(*) FILTER (WHERE state <> 'pending') FROM wechat_message "
            f"WHERE account_id = {int(self.account_id)}",
        )
        stored, done = (int(value) for value in rows.strip().split("|"))
        return stored, done


def handled_rates(result):
    """Pushes handled per s during the load, from its start and from the job's first run on
    (``sustained``, None when too short to tell), and the largest backlog sampled."""
    window = [sample for sample in result["samples"] if sample[0] <= result["loaded_at"] + 0.5]
    rates = {
        "during": window[-1][2] / window[-1][0] if window and window[-1][0] else 0,
        "sustained": None,
        "backlog": max((sample[3] for sample in result["samples"]), default=0),
    }
    running = [sample for sample in window if sample[2]]
    if len(running) > 1:
        (first_at, _s, first_done, _b), (last_at, _s, last_done, _b) = running[0], running[-1]
        rates.update(
            sustained=(last_done - first_done) / (last_at - first_at),
            first_at=first_at,
            last_at=last_at,
        )
    return rates


def print_processing(result, rate, seconds, workers, jobs_apart=False):
    print(
        f"\nWeChat pushes handled as they come: {rate}/s for {seconds} s, "
        f"Odoo with {workers} HTTP workers, "
        + ("the scheduled actions in their own process" if jobs_apart else "1 cron worker")
    )
    print("other jobs due at the start: " + (", ".join(result["due"]) or "none"))
    print(f"{'s':>6}{'stored':>9}{'handled':>9}{'backlog':>9}")
    for at, stored, done, backlog in result["samples"]:
        print(f"{at:6.0f}{stored:9d}{done:9d}{backlog:9d}")
    answered = result["answered"]
    print(
        f"answered {answered['per_second']:.1f}/s, p99 {answered['p99']:.0f} ms, "
        f"errors {answered['errors']}; stored {result['stored']}, duplicates "
        f"{result['duplicates']}, lost {result['lost']}; handled {result['done']} "
        f"(failed {result['failed']}), leads made {result['leads']}"
    )
    rates = handled_rates(result)
    print(f"handled per s during the load: {rates['during']:.1f}")
    if rates["sustained"] is not None:
        print(
            f"handled per s during the load once the job runs ({rates['first_at']:.0f}-"
            f"{rates['last_at']:.0f} s): {rates['sustained']:.1f}; "
            f"largest backlog {rates['backlog']}"
        )
    print(
        "cores used during the load: "
        + ", ".join(f"{name} {cores:.2f}" for name, cores in result["cores"].items())
    )
    if result["finished_at"]:
        print(
            f"all handled {result['finished_at']:.0f} s after the first push: "
            f"{result['stored'] / result['finished_at']:.1f}/s overall"
        )
    else:
        print("NOT all handled before the end of the wait")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, help="10 s; with --processing, 60 s")
    parser.add_argument("--mode", choices=["plain", "safe"], default="plain")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument(
        "--processing",
        action="store_true",
        help="the pushes handled by the job as they come (default 60 s), with the backlog",
    )
    parser.add_argument("--subscribe-share", type=float, default=0.1)
    parser.add_argument(
        "--jobs-apart",
        action="store_true",
        help="with --processing: the scheduled actions in their own process, as deployed",
    )
    args = parser.parse_args()
    ensure_database()
    if args.processing:
        seconds = args.seconds or 60
        result = measure_processing(
            args.rate,
            seconds,
            args.subscribe_share,
            args.workers,
            jobs_apart=args.jobs_apart,
        )
        print_processing(result, args.rate, seconds, args.workers, args.jobs_apart)
        return
    args.seconds = args.seconds or 10
    result = measure(args.rate, args.seconds, args.mode, args.workers)
    ours, standard = result["ours"], result["standard"]
    print(
        f"\nWeChat callback, {args.mode} mode, {args.rate} events/s for {args.seconds} s, "
        f"Odoo with {args.workers} workers"
    )
    print(f"{'':34}{'sent':>7}{'per s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for label, row in (
        ("our callback (signed pushes)", ours),
        ("Odoo /web/health (standard)", standard),
    ):
        print(
            f"{label:34}{row['sent']:7d}{row['per_second']:8.1f}{row['p50']:9.1f}{row['p99']:9.1f}{row['errors']:8d}"
        )
    print(f"\nratio p99 ours / standard: {ours['p99'] / standard['p99']:.2f}")
    cpu = result["cpu"]
    print(
        f"server CPU per request, one at a time (Odoo + PostgreSQL): ours {cpu['ours']:.1f} ms, "
        f"/web/health {cpu['standard']:.1f} ms, ratio {cpu['ours'] / cpu['standard']:.2f}; "
        f"{os.cpu_count()} cores supply at most "
        f"{1000 * (os.cpu_count() or 1) / cpu['ours']:.0f} pushes/s "
        f"before the load generator takes its share"
    )
    print(
        f"stored {result['stored']} messages for {result['unique']} distinct pushes "
        f"(+{result['retries']} retries): duplicates {result['duplicates']}, lost {result['lost']}"
    )
    print(
        f"queue job: {result['processed']} handled in {result['processed_s']:.1f} s "
        f"({result['processed'] / result['processed_s']:.0f} events/s)"
    )
    met = "yes" if ours["p99"] < 300 and args.rate >= 200 else "NO"
    print(f"target p99 < 300 ms at 200 events/s: {met}")


if __name__ == "__main__":
    main()
