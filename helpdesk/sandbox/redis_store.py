"""Sandboxes in Redis, shared by every app server (redis-py and a few Lua scripts).

Each sandbox is one hash, ``<prefix>sb:<id>``, holding the current and initial
account JSON, its ``version``, its size and its times; Redis expires it after the
TTL, refreshed on every use. Beside them: ``<prefix>lru``, a sorted set of ids by
last use (for the count and byte budgets and for purges), ``<prefix>sizes``, a
hash of each sandbox's bytes, and ``<prefix>bytes``, their total. A shared
sandbox's hash holds its token (``share``) and ``<prefix>share:<token>`` names
the sandbox; that key expires with the sandbox's hash and is deleted with it.

Every change runs in one Lua script, so it is atomic without ``WATCH``: a commit
checks the version and writes in one step (compare-and-swap); creating evicts
the least recently used sandboxes until the new one fits. The scripts compute
key names from the prefix, so they suit one Redis server (or a primary with
replicas), not Redis Cluster.

A Redis that is down, loading or too slow answers the 503 refusal
(:func:`helpdesk.sandbox.errors.store_busy`); the client reconnects by itself on
the next request once Redis is back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import redis
from redis.exceptions import RedisError

from helpdesk.sandbox.errors import store_busy
from helpdesk.sandbox.store import (
    RETRY_AFTER_SECONDS,
    TOUCH_INTERVAL_SECONDS,
    SandboxRecord,
    StoreLimits,
    dumps,
    new_id,
    new_share_token,
    valid_id,
    valid_share_token,
)

# Forget one sandbox: its hash, its place in the LRU set and its bytes.
_FORGET = """
local function forget(prefix, id)
  local size = tonumber(redis.call('HGET', prefix .. 'sizes', id) or '0')
  local token = redis.call('HGET', prefix .. 'sb:' .. id, 'share')
  if token then redis.call('DEL', prefix .. 'share:' .. token) end
  redis.call('DEL', prefix .. 'sb:' .. id)
  redis.call('ZREM', prefix .. 'lru', id)
  redis.call('HDEL', prefix .. 'sizes', id)
  if size > 0 then redis.call('DECRBY', prefix .. 'bytes', size) end
end
local function purge(prefix, cutoff)
  local old = redis.call('ZRANGEBYSCORE', prefix .. 'lru', '-inf', '(' .. cutoff)
  for _, id in ipairs(old) do forget(prefix, id) end
  return #old
end
"""

# ARGV: prefix, id, initial, account, now, cutoff, max_count, max_bytes, ttl_ms
_CREATE = (
    _FORGET
    + """
local prefix, id = ARGV[1], ARGV[2]
local initial, account = ARGV[3], ARGV[4]
local now, cutoff = ARGV[5], tonumber(ARGV[6])
local max_count, max_bytes = tonumber(ARGV[7]), tonumber(ARGV[8])
local size = #initial + #account
local evicted = purge(prefix, cutoff)
while true do
  local count = redis.call('ZCARD', prefix .. 'lru')
  local total = tonumber(redis.call('GET', prefix .. 'bytes') or '0')
  if count < max_count and total + size <= max_bytes then break end
  local oldest = redis.call('ZRANGE', prefix .. 'lru', 0, 0)
  if #oldest == 0 then break end
  forget(prefix, oldest[1])
  evicted = evicted + 1
end
local key = prefix .. 'sb:' .. id
redis.call('HSET', key, 'account', account, 'initial', initial, 'version', 1,
  'created', now, 'last_used', now)
redis.call('PEXPIRE', key, ARGV[9])
redis.call('ZADD', prefix .. 'lru', now, id)
redis.call('HSET', prefix .. 'sizes', id, size)
redis.call('INCRBY', prefix .. 'bytes', size)
return evicted
"""
)

# Whether another writer's live claim (value "token|until") holds the sandbox.
_CLAIMED = """
local function claimed_by_other(prefix, id, token, now)
  local held = redis.call('GET', prefix .. 'claim:' .. id)
  if not held then return false end
  local sep = string.find(held, '|', 1, true)
  local holder = string.sub(held, 1, sep - 1)
  local ends = tonumber(string.sub(held, sep + 1))
  return ends >= tonumber(now) and holder ~= token
end
"""

# ARGV: prefix, id, account, version, now, cutoff, ttl_ms, claim token ('' none)
# -> 1 saved, 0 not
_COMMIT = (
    _CLAIMED
    + """
local prefix, id, account = ARGV[1], ARGV[2], ARGV[3]
if claimed_by_other(prefix, id, ARGV[8], ARGV[5]) then return 0 end
local key = prefix .. 'sb:' .. id
local current = redis.call('HMGET', key, 'version', 'last_used')
if not current[1] or tonumber(current[1]) ~= tonumber(ARGV[4]) then return 0 end
if tonumber(current[2]) < tonumber(ARGV[6]) then return 0 end
local size = redis.call('HSTRLEN', key, 'initial') + #account
local old = tonumber(redis.call('HGET', prefix .. 'sizes', id) or '0')
redis.call('HSET', key, 'account', account, 'version', current[1] + 1,
  'last_used', ARGV[5])
redis.call('PEXPIRE', key, ARGV[7])
local token = redis.call('HGET', key, 'share')
if token then redis.call('PEXPIRE', prefix .. 'share:' .. token, ARGV[7]) end
redis.call('ZADD', prefix .. 'lru', ARGV[5], id)
redis.call('HSET', prefix .. 'sizes', id, size)
redis.call('INCRBY', prefix .. 'bytes', size - old)
return 1
"""
)

# ARGV: prefix, id, token, now, until, ms -> 1 held, 0 held by another
_CLAIM = (
    _CLAIMED
    + """
if claimed_by_other(ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
local key = ARGV[1] .. 'claim:' .. ARGV[2]
redis.call('SET', key, ARGV[3] .. '|' .. ARGV[5], 'PX', ARGV[6])
return 1
"""
)

# ARGV: prefix, id, token: delete the claim if this token holds it
_RELEASE = """
local key = ARGV[1] .. 'claim:' .. ARGV[2]
local held = redis.call('GET', key)
if held and string.sub(held, 1, #ARGV[3] + 1) == ARGV[3] .. '|' then
  redis.call('DEL', key)
end
return 0
"""

# ARGV: prefix, id, now, ttl_ms: count this as a use (only if it still exists)
_TOUCH = """
local key = ARGV[1] .. 'sb:' .. ARGV[2]
if redis.call('EXISTS', key) == 0 then return 0 end
redis.call('HSET', key, 'last_used', ARGV[3])
redis.call('PEXPIRE', key, ARGV[4])
redis.call('ZADD', ARGV[1] .. 'lru', ARGV[3], ARGV[2])
local token = redis.call('HGET', key, 'share')
if token then redis.call('PEXPIRE', ARGV[1] .. 'share:' .. token, ARGV[4]) end
return 1
"""

# ARGV: prefix, id, new token, cutoff -> the sandbox's token, or false if not live
_SHARE = """
local prefix, id = ARGV[1], ARGV[2]
local key = prefix .. 'sb:' .. id
local last_used = redis.call('HGET', key, 'last_used')
if not last_used or tonumber(last_used) < tonumber(ARGV[4]) then return false end
local token = redis.call('HGET', key, 'share')
if token then return token end
local ttl = redis.call('PTTL', key)
if ttl <= 0 then return false end
redis.call('HSET', key, 'share', ARGV[3])
redis.call('SET', prefix .. 'share:' .. ARGV[3], id, 'PX', ttl)
return ARGV[3]
"""

# ARGV: prefix, id -> 1 if a token was revoked
_REVOKE = """
local key = ARGV[1] .. 'sb:' .. ARGV[2]
local token = redis.call('HGET', key, 'share')
if not token then return 0 end
redis.call('HDEL', key, 'share')
redis.call('DEL', ARGV[1] .. 'share:' .. token)
return 1
"""

# ARGV: prefix, cutoff -> how many were removed
_PURGE = _FORGET + "return purge(ARGV[1], tonumber(ARGV[2]))"


class RedisSandboxStore:
    """Sandboxes in one Redis database, under ``prefix``, for several app servers."""

    def __init__(
        self,
        client: redis.Redis,
        limits: StoreLimits,
        *,
        prefix: str = "helpdesk:",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.limits = limits
        self.prefix = prefix
        self.clock = clock
        self._create = client.register_script(_CREATE)
        self._commit = client.register_script(_COMMIT)
        self._touch = client.register_script(_TOUCH)
        self._purge = client.register_script(_PURGE)
        self._claim = client.register_script(_CLAIM)
        self._release = client.register_script(_RELEASE)
        self._share = client.register_script(_SHARE)
        self._revoke = client.register_script(_REVOKE)

    @classmethod
    def from_url(
        cls,
        url: str,
        limits: StoreLimits,
        *,
        password: str | None = None,
        timeout: float = 2.0,
        prefix: str = "helpdesk:",
    ) -> RedisSandboxStore:
        """Connect to ``redis://`` or ``rediss://`` (password from the URL or given).

        The client waits at most ``timeout`` seconds to connect or for an answer.
        """
        client = redis.Redis.from_url(
            url,
            password=password or None,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=30,
        )
        return cls(client, limits, prefix=prefix)

    @contextmanager
    def _redis(self) -> Iterator[None]:
        """Run Redis calls; one that fails or times out is the 503 refusal."""
        try:
            yield
        except RedisError as error:
            raise store_busy(RETRY_AFTER_SECONDS) from error

    def _key(self, sandbox_id: str) -> str:
        return f"{self.prefix}sb:{sandbox_id}"

    def _ttl_ms(self) -> int:
        return int(self.limits.ttl_seconds * 1000)

    def _cutoff(self, now: float) -> float:
        return now - self.limits.ttl_seconds

    # --- the protocol --------------------------------------------------------------

    def create(self, initial: dict[str, Any], account: dict[str, Any]) -> str:
        """Store a new sandbox; evict the least recently used ones to make room."""
        sandbox_id = new_id()
        now = self.clock()
        with self._redis():
            self._create(
                args=[
                    self.prefix,
                    sandbox_id,
                    dumps(initial),
                    dumps(account),
                    repr(now),
                    repr(self._cutoff(now)),
                    self.limits.max_count,
                    self.limits.max_bytes,
                    self._ttl_ms(),
                ]
            )
        return sandbox_id

    def get(self, sandbox_id: str) -> SandboxRecord | None:
        """Return the live sandbox, touching it, or ``None`` (also for a bad id)."""
        if not valid_id(sandbox_id):
            return None
        now = self.clock()
        with self._redis():
            row = self.client.hmget(
                self._key(sandbox_id),
                ["account", "initial", "version", "created", "last_used"],
            )
            if row[0] is None:
                return None
            last_used = float(row[4])
            if last_used < self._cutoff(now):
                return None
            if now - last_used > TOUCH_INTERVAL_SECONDS:
                self._touch(args=[self.prefix, sandbox_id, repr(now), self._ttl_ms()])
                last_used = now
        return SandboxRecord(
            sandbox_id,
            json.loads(row[0]),
            row[1].decode("utf-8"),
            int(row[2]),
            float(row[3]),
            last_used,
        )

    def commit(
        self,
        sandbox_id: str,
        account: dict[str, Any],
        version: int,
        claim: str | None = None,
    ) -> bool:
        """Save ``account`` if the sandbox is live, at ``version`` and not claimed."""
        if not valid_id(sandbox_id):
            return False
        now = self.clock()
        with self._redis():
            saved = self._commit(
                args=[
                    self.prefix,
                    sandbox_id,
                    dumps(account),
                    version,
                    repr(now),
                    repr(self._cutoff(now)),
                    self._ttl_ms(),
                    claim or "",
                ]
            )
        return bool(saved)

    def claim(self, sandbox_id: str, token: str, seconds: float) -> bool:
        """Take the sandbox's writer claim for ``token`` if nobody else holds it.

        The claim's end is kept by this store's clock; Redis also expires the
        key after ``seconds``, so a writer that died frees it.
        """
        now = self.clock()
        with self._redis():
            held = self._claim(
                args=[
                    self.prefix,
                    sandbox_id,
                    token,
                    repr(now),
                    repr(now + seconds),
                    max(1, int(seconds * 1000)),
                ]
            )
        return bool(held)

    def release(self, sandbox_id: str, token: str) -> None:
        """Give the claim back (only the holder's ``token`` can)."""
        with self._redis():
            self._release(args=[self.prefix, sandbox_id, token])

    def share(self, sandbox_id: str) -> str | None:
        """Return the sandbox's share token, making one if it has none."""
        if not valid_id(sandbox_id):
            return None
        with self._redis():
            token = self._share(
                args=[
                    self.prefix,
                    sandbox_id,
                    new_share_token(),
                    repr(self._cutoff(self.clock())),
                ]
            )
        return None if token is None else token.decode("ascii")

    def revoke_share(self, sandbox_id: str) -> bool:
        """Forget the sandbox's share token; return whether it had one."""
        if not valid_id(sandbox_id):
            return False
        with self._redis():
            return bool(self._revoke(args=[self.prefix, sandbox_id]))

    def shared(self, token: str) -> str | None:
        """Return the id of the live sandbox shared under ``token``, or ``None``."""
        if not valid_share_token(token):
            return None
        with self._redis():
            found = self.client.get(f"{self.prefix}share:{token}")
            if found is None:
                return None
            sandbox_id = found.decode("ascii")
            held, last_used = self.client.hmget(
                self._key(sandbox_id), ["share", "last_used"]
            )
        if held is None or held.decode("ascii") != token or last_used is None:
            return None
        if float(last_used) < self._cutoff(self.clock()):
            return None
        return sandbox_id

    def purge_expired(self) -> int:
        """Delete every sandbox idle for longer than the TTL; return how many."""
        with self._redis():
            removed = self._purge(args=[self.prefix, repr(self._cutoff(self.clock()))])
        return int(removed)

    def count(self) -> int:
        """Return how many sandboxes are stored (live or not yet purged)."""
        with self._redis():
            return int(self.client.zcard(f"{self.prefix}lru"))

    def total_bytes(self) -> int:
        """Return the bytes of account JSON stored, all sandboxes together."""
        with self._redis():
            return int(self.client.get(f"{self.prefix}bytes") or 0)

    def ping(self) -> bool:
        """Return whether Redis answers."""
        try:
            return bool(self.client.ping())
        except RedisError:
            return False

    def close(self) -> None:
        """Nothing to release per request (the client keeps a connection pool)."""
