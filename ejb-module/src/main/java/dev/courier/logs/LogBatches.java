package dev.courier.logs;

import dev.courier.json.Jsons;
import dev.courier.task.control.DeadLetters;
import dev.courier.task.control.TaskMessages;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * One batch of the log aggregator: receives up to {@code batchSize} records from the aggregator's
 * subscription and stores them, in one transaction with the receipt: the records are stored exactly
 * when they leave the broker. A record that cannot be read goes to {@code logs.dlq} with the
 * reason, in the same transaction.
 */
@Stateless
public class LogBatches {

  private static final Logger LOG = Logger.getLogger(LogBatches.class.getName());

  static final String TOPIC = "logs";
  static final String SUBSCRIPTION = "logs.aggregator";
  static final String DEAD_LETTERS = "logs.dlq";

  @Inject
  @JMSConnectionFactory(TaskMessages.CONNECTION_FACTORY)
  JMSContext jms;

  @Inject DeadLetters deadLetters;
  @PersistenceContext EntityManager em;

  /** Answers how many messages the batch took (stored or dead-lettered). */
  public int drain(int batchSize, long firstWaitMillis) throws JMSException {
    String batch = UUID.randomUUID().toString();
    Instant now = Instant.now();
    int taken = 0;
    // the fully qualified name reads the subscription queue declared on the topic in broker.xml
    try (JMSConsumer consumer = jms.createConsumer(jms.createQueue(TOPIC + "::" + SUBSCRIPTION))) {
      while (taken < batchSize) {
        Message message = consumer.receive(taken == 0 ? firstWaitMillis : 20);
        if (message == null) {
          break;
        }
        taken++;
        try {
          em.persist(LogRecord.of(Jsons.readObject(message), sentAt(message), batch, now));
        } catch (Jsons.UnreadableBody
            | IllegalArgumentException
            | ClassCastException
            | DateTimeException e) {
          deadLetters.sendTo(DEAD_LETTERS, TOPIC, message, "not a log record: " + e.getMessage());
        }
      }
    }
    if (taken > 0) {
      int count = taken;
      LOG.fine(() -> "log batch " + batch + ": " + count + " records");
    }
    return taken;
  }

  private static Instant sentAt(Message message) throws JMSException {
    long sent = message.getJMSTimestamp();
    return sent > 0 ? Instant.ofEpochMilli(sent) : Instant.now();
  }
}
