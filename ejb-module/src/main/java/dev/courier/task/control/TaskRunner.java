package dev.courier.task.control;

import dev.courier.broker.boundary.EmbeddedBroker;
import dev.courier.task.boundary.Tasks;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.TaskRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Turns one delivery from the task queue into one attempt: finds or stores the task, runs its
 * handler and records the outcome. Answers whether the delivery may be acknowledged; {@code false}
 * asks the caller to roll back, so that the broker redelivers with back-off and, after the queue's
 * max-delivery-attempts, dead-letters the message.
 */
@ApplicationScoped
public class TaskRunner {

  private static final Logger LOG = Logger.getLogger(TaskRunner.class.getName());

  /** A client's submission due later than this is scheduled rather than run now. */
  private static final Duration SCHEDULING_THRESHOLD = Duration.ofMillis(50);

  @Inject TaskAttempts attempts;
  @Inject Tasks tasks;
  @Inject Handlers handlers;
  @Inject DeadLetters deadLetters;
  @Inject EmbeddedBroker broker;

  @Inject
  @ConfigProperty(name = "courier.tasks.max-payload-bytes", defaultValue = "1048576")
  long maxPayloadBytes;

  public boolean process(Message message) throws JMSException {
    Optional<TaskContext> task;
    try {
      task = begin(message);
    } catch (Undeliverable e) {
      deadLetters.send(message, e.getMessage());
      return true;
    } catch (TaskNotFound e) {
      LOG.warning(() -> e.getMessage() + "; the delivery is rolled back and retried");
      return false;
    }
    return task.isEmpty() || run(task.get(), message);
  }

  private Optional<TaskContext> begin(Message message)
      throws JMSException, Undeliverable, TaskNotFound {
    String taskId = message.getStringProperty(TaskMessages.TASK_ID);
    if (taskId != null) {
      return attempts.start(taskId);
    }
    TaskRequest request = submission(message);
    String messageId =
        message.getJMSMessageID() != null
            ? message.getJMSMessageID()
            : UUID.randomUUID().toString();
    long sent = message.getJMSTimestamp();
    Instant sentAt = sent > 0 ? Instant.ofEpochMilli(sent) : Instant.now();
    if (request.dueAt(sentAt).isAfter(Instant.now().plus(SCHEDULING_THRESHOLD))) {
      tasks.schedule(messageId, request, sentAt);
      return Optional.empty();
    }
    return attempts.intake(messageId, request, sentAt);
  }

  private TaskRequest submission(Message message) throws JMSException, Undeliverable {
    if (!(message instanceof TextMessage text)) {
      throw new Undeliverable(
          "not a text message ("
              + kind(message)
              + "); submit a task as a JSON text message on "
              + TaskMessages.QUEUE);
    }
    String body = text.getText();
    long bytes = body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxPayloadBytes) {
      throw new Undeliverable(InvalidTaskRequest.tooLarge(bytes, maxPayloadBytes).getMessage());
    }
    try {
      TaskRequest request = TaskRequest.parse(body);
      if (!handlers.knows(request.type())) {
        throw InvalidTaskRequest.unknownType(request.type());
      }
      return request;
    } catch (InvalidTaskRequest e) {
      throw new Undeliverable(e.title() + ": " + e.getMessage());
    }
  }

  private boolean run(TaskContext task, Message message) throws JMSException {
    Optional<TaskHandler> handler = handlers.forType(task.type());
    if (handler.isEmpty()) {
      String reason = InvalidTaskRequest.unknownType(task.type()).getMessage();
      attempts.fail(task.id(), reason, true);
      deadLetters.send(message, reason);
      return true;
    }
    JsonValue result;
    try {
      result = handler.get().run(task);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(task, message, e);
    } catch (Exception e) {
      return failed(task, message, e);
    }
    attempts.succeed(task.id(), result == null ? "null" : result.toString());
    return true;
  }

  private boolean failed(TaskContext task, Message message, Exception cause) throws JMSException {
    boolean last = isLastDelivery(message);
    String reason = describe(cause);
    attempts.fail(task.id(), reason, last);
    LOG.info(
        () ->
            "task "
                + task.id()
                + " ("
                + task.type()
                + ") attempt "
                + task.attempt()
                + " failed"
                + (last ? " for the last time, it is dead: " : ", the broker will retry it: ")
                + reason);
    return false;
  }

  private boolean isLastDelivery(Message message) throws JMSException {
    int max = broker.maxDeliveryAttempts(TaskMessages.QUEUE);
    return max > 0 && message.getIntProperty("JMSXDeliveryCount") >= max;
  }

  private static String describe(Exception e) {
    if (e instanceof TaskFailure && e.getMessage() != null) {
      return e.getMessage();
    }
    return e.getMessage() == null
        ? e.getClass().getName()
        : e.getClass().getName() + ": " + e.getMessage();
  }

  private static String kind(Message message) {
    for (Class<?> type : message.getClass().getInterfaces()) {
      if (type.getName().startsWith("jakarta.jms.")) {
        return type.getSimpleName();
      }
    }
    return message.getClass().getSimpleName();
  }
}
