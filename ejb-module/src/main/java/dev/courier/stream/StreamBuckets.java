package dev.courier.stream;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;

/**
 * Opens a key's bucket for one second in a transaction of its own, so that two first measurements
 * of a bucket, delivered at once on two sessions or instances, both find it and add to it: the
 * deliveries never collide on the primary key and never roll back for it.
 */
@Stateless
public class StreamBuckets {

  @PersistenceContext EntityManager em;

  /**
   * Inserts an empty bucket unless one exists. When another transaction inserts it first, this
   * insert fails on the primary key and rolls back on its own; the bucket is there either way.
   */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public void open(String stream, String key, long second) {
    // asks the database, not the shared cache, which may hold a bucket another instance rolled off
    long found =
        em.createQuery("select count(b) from StreamBucket b where b.id = :id", Long.class)
            .setParameter("id", StreamBucket.id(stream, key, second))
            .getSingleResult();
    if (found > 0) {
      return;
    }
    try {
      em.persist(StreamBucket.empty(stream, key, second));
      em.flush();
    } catch (PersistenceException lostTheRace) {
      // the provider marked this transaction for rollback; the other one's bucket is committed
    }
  }
}
