//! Receipts: a family's proof that its application is in the frozen inputs,
//! unchanged. The rows of the frozen `applicants.csv` are the leaves of a
//! Merkle tree whose root is published with the inputs' digest; a receipt
//! holds the family's row and the hashes that lead from it to the root.
//!
//! Hashing (normative; `docs/ALLOCATION.md` repeats it): a leaf is
//! SHA-256(0x00 ‖ the row's bytes, without its line ending); an inner node
//! is SHA-256(0x01 ‖ left ‖ right). A level with an odd number of nodes
//! carries its last node up unchanged.

use sha2::{Digest, Sha256};
use thiserror::Error;

type Hash = [u8; 32];

fn leaf(row: &str) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(row.as_bytes());
    h.finalize().into()
}

fn node(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The tree over a list of rows, every level kept.
pub struct Tree {
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    pub fn new<'a>(rows: impl IntoIterator<Item = &'a str>) -> Tree {
        let mut levels = vec![rows.into_iter().map(leaf).collect::<Vec<_>>()];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let up = below
                .chunks(2)
                .map(|pair| match pair {
                    [l, r] => node(l, r),
                    [single] => *single,
                    _ => unreachable!("chunks of two"),
                })
                .collect();
            levels.push(up);
        }
        Tree { levels }
    }

    /// The root, in hex; the hash of nothing for an empty list.
    pub fn root(&self) -> String {
        match self.levels.last().and_then(|l| l.first()) {
            Some(root) => hex::encode(root),
            None => hex::encode(Sha256::digest([])),
        }
    }

    pub fn len(&self) -> usize {
        self.levels[0].len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The receipt of the row at `index`.
    pub fn receipt(&self, index: usize, row: &str) -> Option<Receipt> {
        if index >= self.len() || self.levels[0][index] != leaf(row) {
            return None;
        }
        let mut path = Vec::new();
        let mut i = index;
        for level in &self.levels[..self.levels.len() - 1] {
            let sibling = i ^ 1;
            if sibling < level.len() {
                path.push(hex::encode(level[sibling]));
            }
            i /= 2;
        }
        Some(Receipt {
            row: row.to_string(),
            index,
            leaves: self.len(),
            path,
        })
    }
}

/// A row, where it stands, and the sibling hashes from it to the root
/// (bottom up; a level where the row's node has no sibling has none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub row: String,
    pub index: usize,
    pub leaves: usize,
    pub path: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReceiptError {
    #[error("the receipt's place {index} is outside a list of {leaves} rows")]
    OutOfRange { index: usize, leaves: usize },
    #[error("the receipt has {found} hashes on its path; a list of {leaves} rows needs {needed}")]
    PathLength {
        found: usize,
        needed: usize,
        leaves: usize,
    },
    #[error("\"{0}\" is not a hash (64 hexadecimal digits)")]
    NotHash(String),
    #[error("the row and its path lead to {found}, not to the published root {root}")]
    Mismatch { found: String, root: String },
}

impl Receipt {
    /// The root this receipt leads to.
    pub fn root(&self) -> Result<String, ReceiptError> {
        if self.index >= self.leaves {
            return Err(ReceiptError::OutOfRange {
                index: self.index,
                leaves: self.leaves,
            });
        }
        let mut hash = leaf(&self.row);
        let (mut i, mut width) = (self.index, self.leaves);
        let mut path = self.path.iter();
        let mut used = 0;
        while width > 1 {
            let sibling = i ^ 1;
            if sibling < width {
                let text = path.next().ok_or(ReceiptError::PathLength {
                    found: self.path.len(),
                    needed: used + 1,
                    leaves: self.leaves,
                })?;
                let mut other = [0u8; 32];
                hex::decode_to_slice(text.trim(), &mut other)
                    .map_err(|_| ReceiptError::NotHash(text.clone()))?;
                hash = if i % 2 == 0 {
                    node(&hash, &other)
                } else {
                    node(&other, &hash)
                };
                used += 1;
            }
            i /= 2;
            width = width.div_ceil(2);
        }
        if used != self.path.len() {
            return Err(ReceiptError::PathLength {
                found: self.path.len(),
                needed: used,
                leaves: self.leaves,
            });
        }
        Ok(hex::encode(hash))
    }

    /// Checks the receipt against a published root.
    pub fn verify(&self, root: &str) -> Result<(), ReceiptError> {
        let found = self.root()?;
        if found.eq_ignore_ascii_case(root.trim()) {
            Ok(())
        } else {
            Err(ReceiptError::Mismatch {
                found,
                root: root.trim().to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_every_size_proves_its_place_and_nothing_else() {
        for n in 1..=17 {
            let rows: Vec<String> = (0..n).map(|i| format!("P-{i:04},12.5,s1,,0")).collect();
            let tree = Tree::new(rows.iter().map(String::as_str));
            let root = tree.root();
            for (i, row) in rows.iter().enumerate() {
                let r = tree.receipt(i, row).unwrap();
                assert_eq!(r.verify(&root), Ok(()), "n={n} i={i}");
                let mut changed = r.clone();
                changed.row.push('1');
                assert!(changed.verify(&root).is_err(), "a changed row fails");
                if n > 1 {
                    let mut moved = r.clone();
                    moved.index = (i + 1) % n;
                    assert!(
                        moved.verify(&root).is_err(),
                        "n={n} i={i}: another place fails"
                    );
                }
            }
            assert!(tree.receipt(0, "not the row").is_none());
        }
    }

    #[test]
    fn a_known_tree() {
        // Two rows: root = H(1 ‖ H(0 ‖ "a") ‖ H(0 ‖ "b")).
        let tree = Tree::new(["a", "b"]);
        let expected = node(&leaf("a"), &leaf("b"));
        assert_eq!(tree.root(), hex::encode(expected));
        assert_eq!(Tree::new(["a"]).root(), hex::encode(leaf("a")));
    }
}
