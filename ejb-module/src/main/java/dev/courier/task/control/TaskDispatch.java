package dev.courier.task.control;

import dev.courier.broker.boundary.EmbeddedBroker;
import dev.courier.broker.control.BrokerClient;
import dev.courier.queue.control.TaskQueues;
import dev.courier.task.entity.Task;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.reader.TextMessageUtil;
import org.apache.activemq.artemis.utils.UUIDGenerator;

/**
 * Every message of a stored task goes out through here, built in one place: a submission's (sent
 * before its row is stored, in a broker transaction shared with concurrent submissions, so a stored
 * task always has its message and a delivery that comes first stores the row itself from the
 * message), and those sent within a worker's broker transaction, together with the acknowledgement
 * of the delivery they replace (a forward to the task's queue, a delay for its rate limit, a dead
 * letter). Withdraws a waiting message when its task is cancelled.
 */
@ApplicationScoped
public class TaskDispatch {

  private static final Logger LOG = Logger.getLogger(TaskDispatch.class.getName());

  /** The most messages one broker transaction of the sender takes. */
  private static final int MAX_BATCH = 2000;

  /** What one message of a stored task says. */
  public record TaskMessage(
      String taskId,
      String type,
      String queue,
      int priority,
      String groupKey,
      String body,
      long deliverAt,
      Long rateSlot,
      String owner,
      long createdAt) {

    /** The message that runs {@code task} at its due time. */
    public static TaskMessage of(Task task) {
      return new TaskMessage(
          task.id(),
          task.type(),
          task.queue(),
          task.priority(),
          task.groupKey(),
          task.request().toJson().toString(),
          task.runAt().toEpochMilli(),
          null,
          task.owner(),
          task.createdAt().toEpochMilli());
    }

    /** The same message for delivery at {@code deliverAt}, with a rate-limit slot. */
    public TaskMessage at(long deliverAt, Long rateSlot) {
      return new TaskMessage(
          taskId, type, queue, priority, groupKey, body, deliverAt, rateSlot, owner, createdAt);
    }
  }

  private record Outgoing(List<TaskMessage> messages, CompletableFuture<Void> sent) {}

  @Inject BrokerClient broker;
  @Inject EmbeddedBroker embedded;
  @Resource ManagedThreadFactory threads;

  private final LinkedBlockingQueue<Outgoing> outgoing = new LinkedBlockingQueue<>();
  private volatile boolean stopping;
  private Thread sender;

  @PostConstruct
  void start() {
    sender = threads.newThread(this::send);
    sender.setName("courier-task-dispatch");
    sender.start();
  }

  @PreDestroy
  void stop() {
    stopping = true;
    sender.interrupt();
    try {
      sender.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Outgoing> left = new ArrayList<>();
    outgoing.drainTo(left);
    left.forEach(o -> o.sent().completeExceptionally(new IllegalStateException("stopping")));
  }

  /**
   * Sends new tasks' messages; the future completes once the broker has committed them (in a
   * transaction shared with the messages of concurrent submissions).
   */
  public CompletableFuture<Void> submit(List<Task> tasks) {
    List<TaskMessage> messages = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      messages.add(TaskMessage.of(task));
    }
    var sent = new CompletableFuture<Void>();
    if (stopping) {
      sent.completeExceptionally(new IllegalStateException("Courier is stopping"));
    } else {
      outgoing.add(new Outgoing(messages, sent));
    }
    return sent;
  }

  /** Sends a task's message in the caller's broker transaction. */
  public void send(ClientSession session, ClientProducer producer, TaskMessage task)
      throws ActiveMQException {
    producer.send(SimpleString.of(TaskQueues.address(task.queue())), message(session, task));
  }

  /**
   * Takes a cancelled task's message off its queue if it is still waiting there (due later, or not
   * yet given to a worker); true if it was, so that no attempt can start.
   */
  public boolean withdraw(Task task) {
    String filter = TaskMessages.TASK_ID + " = '" + task.id().replace("'", "''") + "'";
    return embedded
        .queue(TaskQueues.address(task.queue()))
        .map(
            queue -> {
              try {
                return queue.removeMessages(filter) > 0;
              } catch (Exception e) {
                throw new IllegalStateException(
                    "the broker did not withdraw the message of task " + task.id(), e);
              }
            })
        .orElse(false);
  }

  /** The message of a task, as any JMS client reads it: a text message with the task's marks. */
  static ClientMessage message(ClientSession session, TaskMessage task) {
    ClientMessage message = session.createMessage(Message.TEXT_TYPE, true);
    TextMessageUtil.writeBodyText(message.getBodyBuffer(), SimpleString.of(task.body()));
    message.setUserID(UUIDGenerator.getInstance().generateUUID());
    long now = System.currentTimeMillis();
    message.setTimestamp(now);
    message.setPriority((byte) task.priority());
    message.putStringProperty(TaskMessages.TASK_ID, task.taskId());
    message.putStringProperty(TaskMessages.TASK_TYPE, task.type());
    message.putLongProperty(TaskMessages.CREATED_AT, task.createdAt());
    if (task.owner() != null) {
      message.putStringProperty(TaskMessages.OWNER, task.owner());
    }
    if (task.rateSlot() != null) {
      message.putLongProperty(TaskMessages.RATE_SLOT, task.rateSlot());
    }
    if (task.groupKey() != null) {
      // Artemis message groups: one consumer at a time takes a group's messages, in order
      message.putStringProperty(Message.HDR_GROUP_ID, SimpleString.of(task.groupKey()));
    }
    if (task.deliverAt() > now) {
      message.setScheduledDeliveryTime(task.deliverAt());
    }
    return message;
  }

  /**
   * Dead-letters a delivery from a task queue in the caller's broker transaction: a copy with the
   * reason in {@link TaskMessages#DEAD_REASON}, and the broker's own marks of where a dead letter
   * came from ({@code _AMQ_ORIG_ADDRESS}, {@code _AMQ_ORIG_QUEUE}), so that the Artemis console's
   * or CLI's retry sends it back to its queue. Properties of any name survive (a STOMP frame's
   * {@code content-length}, say).
   */
  public void deadLetter(
      ClientSession session,
      ClientProducer producer,
      ClientMessage delivery,
      String queue,
      String reason)
      throws ActiveMQException {
    // a new message rather than a copy: a large message's copy has no body
    delivery.checkCompletion();
    ClientMessage letter = session.createMessage(delivery.getType(), true);
    ActiveMQBuffer body = delivery.getBodyBuffer();
    int start = body.readerIndex();
    byte[] bytes = new byte[body.readableBytes()];
    body.readBytes(bytes);
    body.readerIndex(start);
    letter.getBodyBuffer().writeBytes(bytes);
    letter.setPriority(delivery.getPriority());
    letter.setTimestamp(delivery.getTimestamp());
    for (SimpleString name : delivery.getPropertyNames()) {
      String property = name.toString();
      // JMSX and broker-internal properties belong to the delivery, not to the message; the
      // group belongs to the message: a retried dead letter runs in its group again
      if (!(property.startsWith("_AMQ") || property.startsWith("JMSX"))
          || name.equals(Message.HDR_GROUP_ID)) {
        letter.putObjectProperty(name, delivery.getObjectProperty(name));
      }
    }
    String from = TaskQueues.address(queue);
    letter.putStringProperty(TaskMessages.DEAD_REASON, reason);
    letter.putStringProperty(TaskMessages.ORIGINAL_QUEUE, from);
    letter.putStringProperty(TaskMessages.BROKER_ORIGINAL_ADDRESS, from);
    letter.putStringProperty(TaskMessages.BROKER_ORIGINAL_QUEUE, from);
    String originalId = messageId(delivery);
    letter.putStringProperty(TaskMessages.ORIGINAL_MESSAGE_ID, originalId);
    letter.setUserID(UUIDGenerator.getInstance().generateUUID());
    producer.send(SimpleString.of(TaskQueues.deadLetterAddress(queue)), letter);
    LOG.warning(
        () ->
            "dead-lettered message "
                + originalId
                + " to "
                + TaskQueues.deadLetterAddress(queue)
                + ": "
                + reason);
  }

  /** The message's JMS id ({@code ID:} and its user id), as JMS clients see it. */
  public static String messageId(ClientMessage message) {
    Object user = message.getUserID();
    return "ID:" + (user != null ? user : "core-" + message.getMessageID());
  }

  private void send() {
    ClientSession session = null;
    ClientProducer producer = null;
    List<Outgoing> batch = new ArrayList<>();
    while (!stopping) {
      try {
        Outgoing first = outgoing.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        int messages = first.messages().size();
        while (messages < MAX_BATCH && outgoing.peek() != null) {
          Outgoing next = outgoing.poll();
          batch.add(next);
          messages += next.messages().size();
        }
        if (session == null) {
          session = broker.transactedSession();
          producer = session.createProducer();
        }
        for (Outgoing submission : batch) {
          for (TaskMessage task : submission.messages()) {
            send(session, producer, task);
          }
        }
        session.commit();
        batch.forEach(submission -> submission.sent().complete(null));
      } catch (InterruptedException e) {
        if (!stopping) {
          LOG.warning("the task dispatcher was interrupted; it goes on");
        }
      } catch (ActiveMQException | RuntimeException e) {
        LOG.log(stopping ? Level.FINE : Level.WARNING, "task messages were not sent", e);
        batch.forEach(submission -> submission.sent().completeExceptionally(e));
        close(session);
        session = null;
      } finally {
        batch.clear();
      }
    }
    close(session);
  }

  private static void close(ClientSession session) {
    if (session != null) {
      try {
        session.close();
      } catch (ActiveMQException e) {
        LOG.log(Level.FINE, "closing the dispatcher's session", e);
      }
    }
  }
}
