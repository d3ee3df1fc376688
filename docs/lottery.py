#!/usr/bin/env python3
"""Reference implementation of Smena's lottery, independent of the Rust code.

    python3 docs/lottery.py SEED_HEX ID [ID ...]

prints one line per id: the id, a tab, and its lottery number. The derivation
(docs/ALLOCATION.md, "The lottery"):

  stream  = first 8 bytes of SHA-256(UTF-8 id), little-endian
  number  = first 8 bytes of the ChaCha20 keystream (20 rounds, original
            64-bit counter / 64-bit nonce layout, counter starting at 0),
            key = the 32 seed bytes, nonce = stream; little-endian
  lower numbers go first; block members use the number of the block's id.
"""
import hashlib
import struct
import sys

MASK = 0xFFFFFFFF


def _rotl(v, c):
    return ((v << c) & MASK) | (v >> (32 - c))


def _quarter(x, a, b, c, d):
    x[a] = (x[a] + x[b]) & MASK; x[d] = _rotl(x[d] ^ x[a], 16)
    x[c] = (x[c] + x[d]) & MASK; x[b] = _rotl(x[b] ^ x[c], 12)
    x[a] = (x[a] + x[b]) & MASK; x[d] = _rotl(x[d] ^ x[a], 8)
    x[c] = (x[c] + x[d]) & MASK; x[b] = _rotl(x[b] ^ x[c], 7)


def chacha20_block(key: bytes, nonce8: bytes, counter: int = 0) -> bytes:
    constants = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state = (constants + list(struct.unpack("<8I", key))
             + [counter & MASK, counter >> 32] + list(struct.unpack("<2I", nonce8)))
    x = state[:]
    for _ in range(10):
        _quarter(x, 0, 4, 8, 12); _quarter(x, 1, 5, 9, 13)
        _quarter(x, 2, 6, 10, 14); _quarter(x, 3, 7, 11, 15)
        _quarter(x, 0, 5, 10, 15); _quarter(x, 1, 6, 11, 12)
        _quarter(x, 2, 7, 8, 13); _quarter(x, 3, 4, 9, 14)
    return struct.pack("<16I", *[(a + b) & MASK for a, b in zip(x, state)])


def lottery_number(seed: bytes, ident: str) -> int:
    stream = hashlib.sha256(ident.encode("utf-8")).digest()[:8]
    return struct.unpack("<Q", chacha20_block(seed, stream)[:8])[0]


def commitment(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    seed = bytes.fromhex(sys.argv[1])
    if len(seed) != 32:
        sys.exit("the seed must be 64 hexadecimal digits")
    # Known-answer check: zero key and nonce give 76 b8 e0 ad ... (RFC 7539).
    assert chacha20_block(bytes(32), bytes(8))[:4] == bytes.fromhex("76b8e0ad")
    for ident in sys.argv[2:]:
        print(f"{ident}\t{lottery_number(seed, ident)}")
