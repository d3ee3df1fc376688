//! Uploads under way: a few per account and a bounded number in all, so
//! that neither one family sending forty scans at once nor many families
//! together can make the server hold more than it should. Each upload
//! streams to disk (`store::files::Receiving`), so memory stays bounded by
//! the number of uploads, which is bounded here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::error::AppError;

/// Uploads one account may have under way at once.
pub const PER_ACCOUNT: usize = 2;
/// Uploads under way at once in the whole process.
pub const TOTAL: usize = 32;
/// What the answer tells the browser to wait before sending again.
const RETRY_AFTER_SECS: u64 = 10;

/// The uploads under way, by account.
#[derive(Clone, Default)]
pub struct Uploads(Arc<Mutex<HashMap<i64, usize>>>);

/// One upload's place; given back when dropped.
pub struct Slot {
    uploads: Uploads,
    account: i64,
}

impl Uploads {
    /// A place for `account`'s upload, or 429 (with Retry-After) when the
    /// account or the server has as many under way as allowed.
    pub fn take(&self, account: i64) -> Result<Slot, AppError> {
        let mut under_way = self
            .0
            .lock()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the upload count is poisoned")))?;
        let total: usize = under_way.values().sum();
        let mine = under_way.entry(account).or_insert(0);
        if *mine >= PER_ACCOUNT {
            return Err(AppError::Busy("error-uploads-busy", RETRY_AFTER_SECS));
        }
        if total >= TOTAL {
            return Err(AppError::Busy("error-service-busy", RETRY_AFTER_SECS));
        }
        *mine += 1;
        Ok(Slot {
            uploads: self.clone(),
            account,
        })
    }
}

impl Uploads {
    /// `take`, and when refused the form is read to its end (at most
    /// `DRAIN_BYTES`) and thrown away piece by piece, so that the browser,
    /// still sending, gets the answer rather than a broken connection.
    pub async fn take_or_drain(
        &self,
        account: i64,
        multipart: &mut axum::extract::Multipart,
    ) -> Result<Slot, AppError> {
        match self.take(account) {
            Ok(slot) => Ok(slot),
            Err(busy) => {
                let mut read = 0;
                while let Ok(Some(mut field)) = multipart.next_field().await {
                    while let Ok(Some(chunk)) = field.chunk().await {
                        read += chunk.len();
                        if read > crate::store::files::DRAIN_BYTES {
                            return Err(busy);
                        }
                    }
                }
                Err(busy)
            }
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut under_way) = self.uploads.0.lock()
            && let Some(n) = under_way.get_mut(&self.account)
        {
            *n -= 1;
            if *n == 0 {
                under_way.remove(&self.account);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_has_few_uploads_at_once_and_gets_them_back() {
        let uploads = Uploads::default();
        let held: Vec<Slot> = (0..PER_ACCOUNT).map(|_| uploads.take(1).unwrap()).collect();
        assert!(matches!(
            uploads.take(1),
            Err(AppError::Busy("error-uploads-busy", _))
        ));
        assert!(uploads.take(2).is_ok(), "another account is not held up");
        drop(held);
        assert!(uploads.take(1).is_ok());
        let many: Vec<Slot> = (0..TOTAL as i64)
            .filter_map(|account| uploads.take(100 + account).ok())
            .collect();
        assert_eq!(many.len(), TOTAL);
        assert!(matches!(
            uploads.take(7),
            Err(AppError::Busy("error-service-busy", _))
        ));
    }
}
