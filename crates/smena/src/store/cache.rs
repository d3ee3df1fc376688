//! A small cache for values that cannot change while they are cached (the
//! open programme's sessions and rules, frozen while it takes
//! applications), kept for a few seconds and keyed by their type. A change
//! on this instance forgets the value at once; another instance's change is
//! seen when the value expires.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::RwLock;

type Slot = (Instant, Arc<dyn Any + Send + Sync>);

#[derive(Clone, Default)]
pub struct Cache(Arc<RwLock<HashMap<TypeId, Slot>>>);

impl Cache {
    /// The cached `T` if younger than `ttl`, else what `load` gives (kept
    /// when it is `Some`).
    pub async fn get_or_load<T, E>(
        &self,
        ttl: Duration,
        load: impl AsyncFnOnce() -> Result<Option<T>, E>,
    ) -> Result<Option<Arc<T>>, E>
    where
        T: Send + Sync + 'static,
    {
        let key = TypeId::of::<T>();
        if let Some((at, value)) = self.0.read().await.get(&key)
            && at.elapsed() < ttl
            && let Ok(value) = value.clone().downcast::<T>()
        {
            return Ok(Some(value));
        }
        let Some(value) = load().await? else {
            self.0.write().await.remove(&key);
            return Ok(None);
        };
        let value = Arc::new(value);
        self.0
            .write()
            .await
            .insert(key, (Instant::now(), value.clone()));
        Ok(Some(value))
    }

    /// Forgets the cached `T` (after a change of what it caches).
    pub async fn forget<T: 'static>(&self) {
        self.0.write().await.remove(&TypeId::of::<T>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn values_are_kept_until_forgotten_or_old() {
        let cache = Cache::default();
        let ttl = Duration::from_secs(60);
        let load = |n: u32| async move { Ok::<_, ()>(Some(n)) };
        assert_eq!(
            *cache.get_or_load(ttl, || load(1)).await.unwrap().unwrap(),
            1
        );
        assert_eq!(
            *cache.get_or_load(ttl, || load(2)).await.unwrap().unwrap(),
            1
        );
        cache.forget::<u32>().await;
        assert_eq!(
            *cache.get_or_load(ttl, || load(3)).await.unwrap().unwrap(),
            3
        );
        let stale = Duration::ZERO;
        assert_eq!(
            *cache.get_or_load(stale, || load(4)).await.unwrap().unwrap(),
            4
        );
    }
}
