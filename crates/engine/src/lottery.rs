//! The lottery: one number per child, reproducible by anyone from the seed.
//!
//! Derivation (normative; `docs/ALLOCATION.md` repeats it with a reference
//! implementation in Python):
//!
//! 1. `stream` = the first 8 bytes of SHA-256(UTF-8 bytes of the applicant_id),
//!    read as a little-endian unsigned 64-bit integer.
//! 2. Run ChaCha20 (20 rounds, D. J. Bernstein's original layout: 64-bit block
//!    counter starting at 0, 64-bit nonce) with key = the 32 seed bytes and
//!    nonce = `stream` as 8 little-endian bytes.
//! 3. The lottery number is the first 8 keystream bytes, read as a
//!    little-endian unsigned 64-bit integer. Lower numbers go first.
//!
//! Members of a block use the number drawn the same way for the block's id,
//! so siblings share one draw. Two different ids drawing the same 64-bit
//! number (odds about 1 in 10^19 per pair) are ordered by id, bytewise.

use std::fmt;

use chacha20::ChaCha20Legacy;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The secret 32 bytes the coordinator commits to before applications open.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Seed([u8; 32]);

/// The public randomness of the beacon round fixed when applications
/// opened: 32 bytes that did not exist before the inputs froze.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Beacon([u8; 32]);

impl Beacon {
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Beacon(bytes)
    }

    pub fn from_hex(text: &str) -> Result<Self, HexError> {
        parse_hex32(text).map(Beacon)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// The beacon: drand's "quicknet" chain of the League of Entropy, one
/// round every 3 seconds since its genesis. A round's value appears at its
/// time and is public (`https://api.drand.sh/<chain>/public/<round>`).
pub mod drand {
    /// The quicknet chain's hash, which names it.
    pub const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
    /// Unix time of round 1.
    pub const GENESIS: i64 = 1_692_803_367;
    /// Seconds between rounds.
    pub const PERIOD: i64 = 3;

    /// Unix time at which `round` appears.
    pub fn round_time(round: u64) -> i64 {
        GENESIS + (round.saturating_sub(1) as i64).saturating_mul(PERIOD)
    }

    /// The first round that appears at or after Unix time `t`.
    pub fn round_at(t: i64) -> u64 {
        if t <= GENESIS {
            1
        } else {
            ((t - GENESIS + PERIOD - 1) / PERIOD) as u64 + 1
        }
    }
}

/// SHA-256 of the seed, published before the seed is revealed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Commitment([u8; 32]);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HexError {
    #[error("expected 64 hexadecimal digits (32 bytes), found {0} characters")]
    Length(usize),
    #[error("\"{0}\" is not hexadecimal: use only 0-9 and a-f")]
    NotHex(String),
}

fn parse_hex32(text: &str) -> Result<[u8; 32], HexError> {
    let t = text.trim();
    if t.chars().count() != 64 {
        return Err(HexError::Length(t.chars().count()));
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(t, &mut out).map_err(|_| HexError::NotHex(t.to_string()))?;
    Ok(out)
}

impl Seed {
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Seed(bytes)
    }

    pub fn from_hex(text: &str) -> Result<Self, HexError> {
        parse_hex32(text).map(Seed)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn commitment(&self) -> Commitment {
        Commitment(Sha256::digest(self.0).into())
    }

    /// The lottery's seed: SHA-256 of the secret seed's 32 bytes, the
    /// beacon's 32 bytes and the frozen inputs' digest (32 bytes), in that
    /// order. Nobody knows it before the inputs are frozen and the beacon
    /// has appeared: not the coordinator, who holds only the secret, nor
    /// anyone watching the beacon, who lacks the secret.
    pub fn lottery_seed(secret: &Seed, beacon: &Beacon, inputs_digest: &[u8; 32]) -> Seed {
        let mut h = Sha256::new();
        h.update(secret.0);
        h.update(beacon.0);
        h.update(inputs_digest);
        Seed(h.finalize().into())
    }

    /// The lottery number of an applicant (or of a block, by its id).
    pub fn lottery_number(&self, id: &str) -> u64 {
        let hash = Sha256::digest(id.as_bytes());
        let mut nonce = [0u8; 8];
        nonce.copy_from_slice(&hash[..8]);
        // One block of keystream is all we need (a buffered RNG would compute
        // four): XOR over zeros yields the keystream itself.
        let mut word = [0u8; 8];
        ChaCha20Legacy::new(&self.0.into(), &nonce.into()).apply_keystream(&mut word);
        u64::from_le_bytes(word)
    }
}

impl fmt::Debug for Seed {
    /// Never prints the bytes: the seed is secret until allocation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Seed(commitment {})", self.commitment())
    }
}

impl Commitment {
    pub fn from_hex(text: &str) -> Result<Self, HexError> {
        parse_hex32(text).map(Commitment)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keystream_is_standard_chacha20() {
        // Known-answer test: ChaCha20, zero key, zero nonce, block 0 starts
        // 76 b8 e0 ad a0 f1 3d 90 (RFC 7539 appendix A.1, test vector 1).
        let mut word = [0u8; 8];
        ChaCha20Legacy::new(&[0u8; 32].into(), &[0u8; 8].into()).apply_keystream(&mut word);
        assert_eq!(u64::from_le_bytes(word), 0x903d_f1a0_ade0_b876);
    }

    #[test]
    fn same_stream_as_rand_chacha_with_stream_id() {
        // The derivation in words ("ChaCha20 keyed by the seed, stream =
        // first 8 bytes of SHA-256(id)") is what rand_chacha's ChaCha20Rng
        // computes, so either implementation reproduces the numbers.
        use rand_chacha::ChaCha20Rng;
        use rand_core::{Rng, SeedableRng};
        let seed = Seed::from_bytes([0x5a; 32]);
        for id in ["A1", "Якутск-0001", "송도원", ""] {
            let hash = Sha256::digest(id.as_bytes());
            let mut rng = ChaCha20Rng::from_seed(seed.0);
            rng.set_stream(u64::from_le_bytes(hash[..8].try_into().unwrap()));
            assert_eq!(seed.lottery_number(id), rng.next_u64(), "{id}");
        }
    }

    #[test]
    fn the_lottery_seed_binds_secret_beacon_and_inputs() {
        let secret = Seed::from_bytes([1; 32]);
        let beacon = Beacon::from_bytes([2; 32]);
        let digest = [3u8; 32];
        let seed = Seed::lottery_seed(&secret, &beacon, &digest);
        let mut bytes = vec![1u8; 32];
        bytes.extend([2u8; 32]);
        bytes.extend([3u8; 32]);
        assert_eq!(seed.0, <[u8; 32]>::from(Sha256::digest(&bytes)));
        assert_ne!(
            seed,
            Seed::lottery_seed(&secret, &Beacon::from_bytes([4; 32]), &digest)
        );
        assert_ne!(seed, Seed::lottery_seed(&secret, &beacon, &[5; 32]));
    }

    #[test]
    fn drand_rounds_and_times() {
        // Round 1 at genesis; quicknet round 657413 (a published beacon)
        // appeared at 1694775603.
        assert_eq!(drand::round_time(1), drand::GENESIS);
        assert_eq!(drand::round_time(657_413), 1_694_775_603);
        assert_eq!(drand::round_at(1_694_775_603), 657_413);
        assert_eq!(drand::round_at(1_694_775_604), 657_414);
        assert_eq!(drand::round_at(0), 1);
    }

    #[test]
    fn lottery_depends_only_on_seed_and_id() {
        let a = Seed::from_bytes([7; 32]);
        let b = Seed::from_bytes([8; 32]);
        assert_eq!(a.lottery_number("A-1"), a.lottery_number("A-1"));
        assert_ne!(a.lottery_number("A-1"), a.lottery_number("A-2"));
        assert_ne!(a.lottery_number("A-1"), b.lottery_number("A-1"));
    }

    #[test]
    fn lottery_reference_values() {
        // Computed by docs/lottery.py, an independent implementation.
        let zero = Seed::from_bytes([0; 32]);
        assert_eq!(zero.lottery_number(""), 14605961336304030593);
        assert_eq!(zero.lottery_number("A1"), 3711596568239817125);
        let ab = Seed::from_bytes([0xab; 32]);
        assert_eq!(ab.lottery_number("SKH-27-0002"), 15835407204474638099);
        assert_eq!(ab.lottery_number("Якутск-1"), 14312568226028593972);
    }

    #[test]
    fn commitment_is_sha256_of_seed_bytes() {
        let seed = Seed::from_bytes([0; 32]);
        assert_eq!(
            seed.commitment().to_hex(),
            "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
        );
    }

    #[test]
    fn hex_parsing_names_the_problem() {
        assert_eq!(Seed::from_hex("abc"), Err(HexError::Length(3)));
        assert!(matches!(
            Seed::from_hex(&"zz".repeat(32)),
            Err(HexError::NotHex(_))
        ));
        assert!(Seed::from_hex(&format!(" {} ", "AB".repeat(32))).is_ok());
    }
}
