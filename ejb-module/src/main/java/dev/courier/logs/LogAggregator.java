package dev.courier.logs;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The log aggregator: every second it drains the {@code logs.aggregator} subscription in batches of
 * {@code courier.logs.batch-size} records, each batch one transaction; once a minute it deletes
 * records older than {@code courier.logs.retention-hours} (a rolling table). Every instance runs
 * it; they compete for the same subscription, so each record is stored once.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class LogAggregator {

  private static final Logger LOG = Logger.getLogger(LogAggregator.class.getName());

  /** One timer callback drains for at most this long, so callbacks do not pile up. */
  private static final Duration BUDGET = Duration.ofMillis(900);

  @Inject LogBatches batches;
  @PersistenceContext EntityManager em;

  @Inject
  @ConfigProperty(name = "courier.logs.batch-size", defaultValue = "500")
  int batchSize;

  @Inject
  @ConfigProperty(name = "courier.logs.retention-hours", defaultValue = "24")
  int retentionHours;

  @Schedule(second = "*", minute = "*", hour = "*", persistent = false)
  void drain() {
    Instant until = Instant.now().plus(BUDGET);
    try {
      int taken;
      do {
        taken = batches.drain(batchSize, 50);
      } while (taken == batchSize && Instant.now().isBefore(until));
    } catch (JMSException | RuntimeException e) {
      // the batch rolled back: its records are still on the subscription for the next second
      LOG.log(Level.WARNING, "a log batch failed and was rolled back; it is retried", e);
    }
  }

  @Schedule(second = "30", minute = "*", hour = "*", persistent = false)
  @TransactionAttribute(TransactionAttributeType.REQUIRED)
  void roll() {
    em.createQuery("delete from LogRecord r where r.at < :before")
        .setParameter("before", Instant.now().minus(Duration.ofHours(retentionHours)))
        .executeUpdate();
  }
}
