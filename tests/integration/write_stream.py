"""A random but valid stream of write commands, for the AOF's "every write command is logged" test.

Each write command of the table has a generator of arguments that usually succeed (keys of the
right type, valid options); the stream is generated once from a seed and fed unchanged to every
server, so kv-server and redis-server see the same bytes. Keys are typed by prefix (s: strings,
n: integers, f: floats, l: lists, h: hashes, t: sets, z: sorted sets, p: HyperLogLogs, g: geo
sets) so that most commands find
a key of their type; random effects are avoided (SPOP pops everything) so the end state is
deterministic, and deadlines are absolute and far away so nothing expires during the test.
"""

import random
import time

DBS = (0, 1, 2)
STR = [f"s:{i}" for i in range(4)]
NUM = [f"n:{i}" for i in range(3)]
FLT = [f"f:{i}" for i in range(3)]
LST = [f"l:{i}" for i in range(4)]
HSH = [f"h:{i}" for i in range(4)]
SET = [f"t:{i}" for i in range(4)]
ZST = [f"z:{i}" for i in range(4)]
HLL = [f"p:{i}" for i in range(3)]
GEO = [f"g:{i}" for i in range(3)]
ANY = STR + NUM + LST + HSH + SET + ZST + HLL + GEO
VALUES = ["a", "b", "c", "d", "1", "2", "", "x y", "\x00\xff"]
MEMBERS = ["a", "b", "c", "d", "e"]
FIELDS = ["f1", "f2", "f3"]
# (longitude, latitude, member): distinct points a few hundred km apart, so radii find some.
PLACES = [("13.361389", "38.115556", "Palermo"), ("15.087269", "37.502669", "Catania"),
          ("12.496366", "41.902782", "Rome"), ("14.268124", "40.851775", "Naples"),
          ("9.190000", "45.464200", "Milan")]


def _ttl_opts(r, now):
    return r.choice([[], ["EX", "100000"], ["PX", "90000000"], ["EXAT", str(now + 100000)],
                     ["PXAT", str((now + 100000) * 1000)], ["KEEPTTL"]])


def _bitop(r):
    op = r.choice(["AND", "OR", "XOR", "NOT"])
    sources = [r.choice(STR)] if op == "NOT" else r.sample(STR, r.randint(1, 3))
    return ["BITOP", op, r.choice(STR)] + sources


def generators(now):
    """{command: function(random) -> argv}. `now` (Unix seconds) anchors absolute deadlines."""
    c = random.Random.choice

    def pair_of(keys):
        return lambda r: r.sample(keys, 2)

    lpair, tpair, zpair = pair_of(LST), pair_of(SET), pair_of(ZST)
    side = ["LEFT", "RIGHT"]
    unique = iter(range(10**9))
    g = {
        # strings
        "set": lambda r: ["SET", c(r, STR), c(r, VALUES)] + r.choice(
            [[], ["NX"], ["XX"], ["GET"]]) + _ttl_opts(r, now),
        "setex": lambda r: ["SETEX", c(r, STR), "100000", c(r, VALUES)],
        "psetex": lambda r: ["PSETEX", c(r, STR), "90000000", c(r, VALUES)],
        "setnx": lambda r: ["SETNX", c(r, STR), c(r, VALUES)],
        "getset": lambda r: ["GETSET", c(r, STR), c(r, VALUES)],
        "getdel": lambda r: ["GETDEL", c(r, STR)],
        "getex": lambda r: ["GETEX", c(r, STR)] + r.choice(
            [["PERSIST"], ["EX", "100000"], ["PXAT", str((now + 100000) * 1000)]]),
        "append": lambda r: ["APPEND", c(r, STR), c(r, VALUES)],
        "setrange": lambda r: ["SETRANGE", c(r, STR), str(r.randint(0, 8)), c(r, VALUES)],
        "setbit": lambda r: ["SETBIT", c(r, STR), str(r.randint(0, 40)), str(r.randint(0, 1))],
        "bitfield": lambda r: ["BITFIELD", c(r, STR)] + r.choice(
            [[], ["OVERFLOW", "WRAP"], ["OVERFLOW", "SAT"], ["OVERFLOW", "FAIL"]]) + r.choice(
            [["SET", c(r, ["u8", "i5", "u3"]), f"#{r.randint(0, 4)}", str(r.randint(-20, 300))],
             ["INCRBY", c(r, ["i8", "u4", "i16"]), str(r.randint(0, 40)),
              str(r.randint(-200, 200))],
             ["GET", "u8", "0", "SET", "i8", "8", str(r.randint(-128, 127))]]),
        "bitop": _bitop,
        "mset": lambda r: ["MSET", c(r, STR), c(r, VALUES), c(r, STR), c(r, VALUES)],
        "msetnx": lambda r: ["MSETNX", f"mx:{next(unique)}", c(r, VALUES),
                             f"mx:{next(unique)}", c(r, VALUES)],
        "incr": lambda r: ["INCR", c(r, NUM)],
        "decr": lambda r: ["DECR", c(r, NUM)],
        "incrby": lambda r: ["INCRBY", c(r, NUM), str(r.randint(-50, 50))],
        "decrby": lambda r: ["DECRBY", c(r, NUM), str(r.randint(-50, 50))],
        "incrbyfloat": lambda r: ["INCRBYFLOAT", c(r, FLT), c(r, ["1.5", "-0.25", "3e2"])],
        # HyperLogLogs
        "pfadd": lambda r: ["PFADD", c(r, HLL)] + [str(r.randint(0, 400)) for _ in
                                                   range(r.choice([1, 3, 40]))],
        "pfmerge": lambda r: ["PFMERGE", c(r, HLL)] + r.sample(HLL, r.randint(0, 2)),
        "pfdebug": lambda r: ["PFDEBUG", c(r, ["TODENSE", "GETREG"]), c(r, HLL)],
        # geo
        "geoadd": lambda r: ["GEOADD", c(r, GEO)] + r.choice([[], ["NX"], ["XX"], ["CH"]]) +
        [x for place in r.sample(PLACES, r.randint(1, 2)) for x in place],
        "georadius": lambda r: ["GEORADIUS", c(r, GEO), "14", "39", c(r, ["200", "400", "900"]),
                                "km"] + r.choice([[], ["STORE", c(r, GEO)],
                                                  ["STOREDIST", c(r, GEO)]]),
        "georadiusbymember": lambda r: ["GEORADIUSBYMEMBER", c(r, GEO), c(r, PLACES)[2],
                                        c(r, ["150", "300", "700"]), "km"] + r.choice(
            [[], ["STORE", c(r, GEO)], ["STOREDIST", c(r, GEO)]]),
        "geosearchstore": lambda r: ["GEOSEARCHSTORE"] + r.sample(GEO, 2) + r.choice(
            [["FROMLONLAT", "14", "39"], ["FROMMEMBER", c(r, PLACES)[2]]]) + r.choice(
            [["BYRADIUS", c(r, ["200", "500"]), "km"], ["BYBOX", "600", "400", "km"]]) + r.choice(
            [[], ["STOREDIST"]]),
        # SORT ... STORE: ALPHA and no BY, so ties cannot order differently
        "sort": lambda r: ["SORT", c(r, LST + SET + ZST)] + r.choice([[], ["DESC"]]) + r.choice(
            [[], ["LIMIT", "1", "3"]]) + ["ALPHA", "STORE", c(r, LST)],
        # any type
        "del": lambda r: ["DEL"] + r.sample(ANY, 2),
        "unlink": lambda r: ["UNLINK", c(r, ANY)],
        "expire": lambda r: ["EXPIRE", c(r, ANY), "100000"],
        "pexpire": lambda r: ["PEXPIRE", c(r, ANY), "90000000"],
        "expireat": lambda r: ["EXPIREAT", c(r, ANY), str(now + 100000)],
        "pexpireat": lambda r: ["PEXPIREAT", c(r, ANY), str((now + 100000) * 1000)],
        "persist": lambda r: ["PERSIST", c(r, ANY)],
        "rename": lambda r: ["RENAME"] + r.sample(c(r, [STR, LST, HSH, SET, ZST]), 2),
        "renamenx": lambda r: ["RENAMENX"] + r.sample(c(r, [STR, LST, HSH, SET, ZST]), 2),
        "copy": lambda r: ["COPY"] + r.sample(c(r, [STR, LST, HSH, SET, ZST]), 2) + r.choice(
            [[], ["REPLACE"], ["DB", "1"], ["DB", "2", "REPLACE"]]),
        "move": lambda r: ["MOVE", c(r, ANY), c(r, ["0", "1", "2"])],
        "swapdb": lambda r: ["SWAPDB", "1", "2"],
        "flushdb": lambda r: ["FLUSHDB"],
        "flushall": lambda r: ["FLUSHALL"],
        # lists
        "lpush": lambda r: ["LPUSH", c(r, LST)] + r.sample(VALUES, 2),
        "rpush": lambda r: ["RPUSH", c(r, LST)] + r.sample(VALUES, 3),
        "lpushx": lambda r: ["LPUSHX", c(r, LST), c(r, VALUES)],
        "rpushx": lambda r: ["RPUSHX", c(r, LST), c(r, VALUES)],
        "lpop": lambda r: ["LPOP", c(r, LST)] + r.choice([[], ["2"]]),
        "rpop": lambda r: ["RPOP", c(r, LST)] + r.choice([[], ["2"]]),
        "lrem": lambda r: ["LREM", c(r, LST), str(r.randint(-2, 2)), c(r, VALUES)],
        "lset": lambda r: ["LSET", c(r, LST), c(r, ["0", "-1"]), c(r, VALUES)],
        "ltrim": lambda r: ["LTRIM", c(r, LST), "0", str(r.randint(2, 8))],
        "linsert": lambda r: ["LINSERT", c(r, LST), c(r, ["BEFORE", "AFTER"]), c(r, VALUES),
                              c(r, VALUES)],
        "lmove": lambda r: ["LMOVE"] + lpair(r) + [c(r, side), c(r, side)],
        "rpoplpush": lambda r: ["RPOPLPUSH"] + lpair(r),
        "lmpop": lambda r: ["LMPOP", "2"] + lpair(r) + [c(r, side), "COUNT", "2"],
        "blpop": lambda r: ["BLPOP"] + lpair(r) + ["0.01"],
        "brpop": lambda r: ["BRPOP", c(r, LST), "0.01"],
        "blmove": lambda r: ["BLMOVE"] + lpair(r) + [c(r, side), c(r, side), "0.01"],
        "brpoplpush": lambda r: ["BRPOPLPUSH"] + lpair(r) + ["0.01"],
        "blmpop": lambda r: ["BLMPOP", "0.01", "1", c(r, LST), c(r, side)],
        # hashes
        "hset": lambda r: ["HSET", c(r, HSH), c(r, FIELDS), c(r, VALUES), c(r, FIELDS),
                           c(r, VALUES)],
        "hmset": lambda r: ["HMSET", c(r, HSH), c(r, FIELDS), c(r, VALUES)],
        "hsetnx": lambda r: ["HSETNX", c(r, HSH), c(r, FIELDS + ["f4", "f5"]), c(r, VALUES)],
        "hdel": lambda r: ["HDEL", c(r, HSH), c(r, FIELDS)],
        "hincrby": lambda r: ["HINCRBY", c(r, HSH), "cnt", str(r.randint(-5, 5))],
        "hincrbyfloat": lambda r: ["HINCRBYFLOAT", c(r, HSH), "flt", "1.25"],
        # sets
        "sadd": lambda r: ["SADD", c(r, SET)] + r.sample(MEMBERS, 2),
        "srem": lambda r: ["SREM", c(r, SET), c(r, MEMBERS)],
        "spop": lambda r: ["SPOP", c(r, SET), "100"],  # all of them: no random choice
        "smove": lambda r: ["SMOVE"] + tpair(r) + [c(r, MEMBERS)],
        "sinterstore": lambda r: ["SINTERSTORE", c(r, SET)] + tpair(r),
        "sunionstore": lambda r: ["SUNIONSTORE", c(r, SET)] + tpair(r),
        "sdiffstore": lambda r: ["SDIFFSTORE", c(r, SET)] + tpair(r),
        # sorted sets
        "zadd": lambda r: ["ZADD", c(r, ZST)] + r.choice([[], ["NX"], ["XX"], ["GT"], ["CH"]]) +
        [c(r, ["1", "2.5", "-inf", "+inf", "0"]), c(r, MEMBERS)],
        "zincrby": lambda r: ["ZINCRBY", c(r, ZST), "1.5", c(r, MEMBERS)],
        "zrem": lambda r: ["ZREM", c(r, ZST), c(r, MEMBERS)],
        "zpopmin": lambda r: ["ZPOPMIN", c(r, ZST)] + r.choice([[], ["2"]]),
        "zpopmax": lambda r: ["ZPOPMAX", c(r, ZST)] + r.choice([[], ["2"]]),
        "zremrangebyrank": lambda r: ["ZREMRANGEBYRANK", c(r, ZST), "0", "0"],
        "zremrangebyscore": lambda r: ["ZREMRANGEBYSCORE", c(r, ZST), "1", "2"],
        "zremrangebylex": lambda r: ["ZREMRANGEBYLEX", c(r, ZST), "[a", "[b"],
        "zunionstore": lambda r: ["ZUNIONSTORE", c(r, ZST), "2"] + zpair(r),
        "zinterstore": lambda r: ["ZINTERSTORE", c(r, ZST), "2"] + zpair(r),
        "zdiffstore": lambda r: ["ZDIFFSTORE", c(r, ZST), "2"] + zpair(r),
        "zrangestore": lambda r: ["ZRANGESTORE", c(r, ZST), c(r, ZST), "0", "-1"],
        "zmpop": lambda r: ["ZMPOP", "2"] + zpair(r) + [c(r, ["MIN", "MAX"])],
        "bzpopmin": lambda r: ["BZPOPMIN", c(r, ZST), "0.01"],
        "bzpopmax": lambda r: ["BZPOPMAX", c(r, ZST), "0.01"],
        "bzmpop": lambda r: ["BZMPOP", "0.01", "1", c(r, ZST), c(r, ["MIN", "MAX"])],
    }
    return g


# Rarely: they wipe what the others built.
WEIGHT = {"flushall": 0.05, "flushdb": 0.1, "swapdb": 0.3}


def make_stream(commands, seed, length):
    """[(db, argv)] of `length` steps over `commands` (names), reproducible from `seed`."""
    r = random.Random(seed)
    gens = generators(int(time.time()))
    names = sorted(commands)
    weights = [WEIGHT.get(n, 1.0) for n in names]
    stream = []
    for _ in range(length):
        name = r.choices(names, weights)[0]
        stream.append((r.choice(DBS), gens[name](r)))
    return stream
