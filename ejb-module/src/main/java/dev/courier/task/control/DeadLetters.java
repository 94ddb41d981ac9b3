package dev.courier.task.control;

import dev.courier.queue.control.TaskQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Moves a message Courier cannot run to the dead-letter queue at once, with the reason in {@link
 * TaskMessages#DEAD_REASON}. It sends in the caller's transaction, so the copy exists exactly when
 * the original is consumed.
 */
@ApplicationScoped
public class DeadLetters {

  private static final Logger LOG = Logger.getLogger(DeadLetters.class.getName());

  @Inject
  @JMSConnectionFactory(TaskMessages.CONNECTION_FACTORY)
  JMSContext jms;

  /**
   * Dead-letters a message from a task queue. It carries the broker's own marks of where a dead
   * letter came from ({@code _AMQ_ORIG_ADDRESS}, {@code _AMQ_ORIG_QUEUE}), as a message the broker
   * dead-lettered does, so that the Artemis console's or CLI's retry sends it back to its queue.
   */
  public void send(Message message, String queue, String reason) throws JMSException {
    deadLetter(
        TaskQueues.deadLetterAddress(queue), TaskQueues.address(queue), message, reason, true);
  }

  /**
   * Dead-letters a message that came from {@code from} (a queue or topic) to {@code deadLetters}.
   */
  public void sendTo(String deadLetters, String from, Message message, String reason)
      throws JMSException {
    deadLetter(deadLetters, from, message, reason, false);
  }

  private void deadLetter(
      String deadLetters, String from, Message message, String reason, boolean returnable)
      throws JMSException {
    String originalId = message.getJMSMessageID();
    Map<String, Object> properties = new LinkedHashMap<>();
    for (Object name : Collections.list(message.getPropertyNames())) {
      String property = (String) name;
      // JMSX and broker-internal properties belong to the delivery, not to the message; the group
      // belongs to the message: a retried dead letter runs in its group again
      if (property.equals(TaskMessages.GROUP)
          || !property.startsWith("JMSX") && !property.startsWith("_AMQ")) {
        properties.put(property, message.getObjectProperty(property));
      }
    }
    // received properties are read-only; clearing them is the JMS way to make them writable again
    message.clearProperties();
    for (var property : properties.entrySet()) {
      message.setObjectProperty(property.getKey(), property.getValue());
    }
    message.setStringProperty(TaskMessages.DEAD_REASON, reason);
    message.setStringProperty(TaskMessages.ORIGINAL_QUEUE, from);
    if (returnable) {
      message.setStringProperty(TaskMessages.BROKER_ORIGINAL_ADDRESS, from);
      message.setStringProperty(TaskMessages.BROKER_ORIGINAL_QUEUE, from);
    }
    if (originalId != null) {
      message.setStringProperty(TaskMessages.ORIGINAL_MESSAGE_ID, originalId);
    }
    jms.createProducer().send(jms.createQueue(deadLetters), message);
    LOG.warning(() -> "dead-lettered message " + originalId + " to " + deadLetters + ": " + reason);
  }
}
