package dev.courier.task.control;

import dev.courier.broker.boundary.EmbeddedBroker;
import dev.courier.observe.TaskMetrics;
import dev.courier.queue.control.TaskQueues;
import dev.courier.task.boundary.Tasks;
import dev.courier.task.control.RunningTasks.Outcome;
import dev.courier.task.control.TaskAttempts.Attempt;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.RateLimit;
import dev.courier.task.entity.TaskRequest;
import dev.courier.task.entity.TaskState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
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
 * Turns one delivery from a task queue into one attempt: applies the type's rate limit, finds or
 * stores the task, runs its handler under the time limit and records the outcome. Answers whether
 * the delivery may be acknowledged; {@code false} asks the caller to roll back, so that the broker
 * redelivers with the queue's back-off and, after its max-delivery-attempts, dead-letters the
 * message.
 */
@ApplicationScoped
public class TaskRunner {

  private static final Logger LOG = Logger.getLogger(TaskRunner.class.getName());

  /** A client's submission due later than this is scheduled rather than run now. */
  private static final Duration SCHEDULING_THRESHOLD = Duration.ofMillis(50);

  /** A rate-limit slot this close is waited for rather than sent back to the broker. */
  private static final long RATE_WAIT_MILLIS = 5;

  @Inject TaskAttempts attempts;
  @Inject Tasks tasks;
  @Inject Handlers handlers;
  @Inject DeadLetters deadLetters;
  @Inject EmbeddedBroker broker;
  @Inject TaskQueues queues;
  @Inject TaskPolicies policies;
  @Inject RateLimiter rateLimiter;
  @Inject RunningTasks running;
  @Inject TaskMetrics metrics;

  @Inject
  @ConfigProperty(name = "courier.tasks.max-payload-bytes", defaultValue = "1048576")
  long maxPayloadBytes;

  public boolean process(Message message) throws JMSException, InterruptedException {
    String queue = queues.byAddress(destination(message)).orElse(TaskQueues.DEFAULT);
    String taskId = message.getStringProperty(TaskMessages.TASK_ID);
    Optional<Attempt> attempt;
    try {
      if (taskId == null) {
        attempt = submitted(message, queue);
      } else {
        if (deferredByRateLimit(message, taskId, queue)) {
          return true;
        }
        attempt = startWhenStored(taskId, retriedFromDeadLetters(message));
      }
    } catch (Undeliverable e) {
      deadLetters.send(message, queue, e.getMessage());
      return true;
    } catch (TaskNotFound e) {
      LOG.warning(() -> e.getMessage() + "; the delivery is rolled back and retried");
      return false;
    }
    return attempt.isEmpty() || run(attempt.get(), message, queue);
  }

  /**
   * Starts an attempt of a stored task. A message can arrive before the row that was stored with it
   * is visible: the two-phase commit of a submission may commit the broker's branch first. Waiting
   * a moment here, rather than rolling back at once, keeps that race from costing the task one of
   * its delivery attempts.
   */
  private Optional<Attempt> startWhenStored(String taskId, boolean retried)
      throws TaskNotFound, InterruptedException {
    long wait = 5;
    while (true) {
      try {
        return attempts.start(taskId, retried);
      } catch (TaskNotFound e) {
        if (wait > 1_000) {
          throw e;
        }
        Thread.sleep(wait);
        wait *= 2;
      }
    }
  }

  /**
   * A dead letter sent back to its queue by the Artemis console or CLI (their retry) rather than by
   * Courier's API, which puts the task back in its queue before it moves the message.
   */
  private static boolean retriedFromDeadLetters(Message message) throws JMSException {
    return message.propertyExists(TaskMessages.BROKER_ORIGINAL_ADDRESS);
  }

  /**
   * A client's submission: stored and sent on if it is due later, belongs to another queue or must
   * wait for its rate limit; otherwise stored and started here.
   */
  private Optional<Attempt> submitted(Message message, String arrivedOn)
      throws JMSException, Undeliverable {
    TaskRequest request = submission(message);
    String target;
    try {
      target = tasks.queueFor(request);
    } catch (InvalidTaskRequest e) {
      throw new Undeliverable(e.title() + ": " + e.getMessage());
    }
    String messageId =
        message.getJMSMessageID() != null
            ? message.getJMSMessageID()
            : UUID.randomUUID().toString();
    long sent = message.getJMSTimestamp();
    Instant sentAt = sent > 0 ? Instant.ofEpochMilli(sent) : Instant.now();
    long now = System.currentTimeMillis();
    long due = request.dueAt(sentAt).toEpochMilli();
    Long slot = null;
    Optional<RateLimit> limit = policies.of(request.type()).rateLimit();
    if (limit.isPresent() && due <= now + SCHEDULING_THRESHOLD.toMillis()) {
      slot = rateLimiter.reserve(request.type(), limit.get(), now);
    }
    boolean later = Math.max(due, slot == null ? 0 : slot) > now + SCHEDULING_THRESHOLD.toMillis();
    if (message.getIntProperty("JMSXDeliveryCount") <= 1) {
      metrics.submitted(request.type(), target);
    }
    if (later || !target.equals(arrivedOn)) {
      tasks.accept(messageId, request, sentAt, Math.max(due, slot == null ? 0 : slot), slot);
      return Optional.empty();
    }
    return attempts.intake(messageId, request, target, sentAt);
  }

  /**
   * Applies the type's rate limit to a stored task's delivery: a delivery without a slot, or whose
   * slot has long passed, reserves one; a slot in the future sends the task back to the broker for
   * delivery then, and frees this consumer.
   */
  private boolean deferredByRateLimit(Message message, String taskId, String queue)
      throws JMSException {
    String type = message.getStringProperty(TaskMessages.TASK_TYPE);
    if (type == null) {
      return false;
    }
    Optional<RateLimit> limit = policies.of(type).rateLimit();
    if (limit.isEmpty()) {
      return false;
    }
    long now = System.currentTimeMillis();
    long intervalMillis = Math.max(1, limit.get().intervalNanos() / 1_000_000);
    if (message.propertyExists(TaskMessages.RATE_SLOT)) {
      long slot = message.getLongProperty(TaskMessages.RATE_SLOT);
      if (now - slot <= intervalMillis && slot <= now + RATE_WAIT_MILLIS) {
        return false;
      }
    }
    long slot = rateLimiter.reserve(type, limit.get(), now);
    if (slot <= now + RATE_WAIT_MILLIS) {
      return false;
    }
    String body = message instanceof TextMessage text ? text.getText() : "{}";
    tasks.defer(taskId, type, message.getJMSPriority(), body, slot, slot);
    return true;
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
      String group = message.getStringProperty(TaskMessages.GROUP);
      if (request.groupKey() == null && group != null) {
        // a JMS, AMQP or STOMP client may give the group as the message's JMSXGroupID
        request = request.withGroupKey(group);
      }
      return request;
    } catch (InvalidTaskRequest e) {
      throw new Undeliverable(e.title() + ": " + e.getMessage());
    }
  }

  private boolean run(Attempt attempt, Message message, String queue)
      throws JMSException, InterruptedException {
    Optional<TaskHandler> handler = handlers.forType(attempt.type());
    if (handler.isEmpty()) {
      String reason = InvalidTaskRequest.unknownType(attempt.type()).getMessage();
      attempts.fail(attempt.id(), reason, true);
      deadLetters.send(message, queue, reason);
      return true;
    }
    Optional<Duration> timeout =
        attempt.timeoutSeconds() != null
            ? Optional.of(Duration.ofSeconds(attempt.timeoutSeconds()))
            : policies.of(attempt.type()).timeout();
    var context =
        new TaskContext(
            attempt.id(),
            attempt.type(),
            attempt.payload(),
            attempt.number(),
            attempt.queue(),
            timeout,
            this::report);
    long started = System.nanoTime();
    Outcome outcome = running.run(context, handler.get());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (outcome instanceof Outcome.Succeeded succeeded) {
      JsonValue result = succeeded.result();
      attempts.succeed(attempt.id(), result == null ? "null" : result.toString());
      metrics.succeeded(attempt.type(), attempt.queue(), took);
      return true;
    }
    if (outcome instanceof Outcome.Cancelled) {
      attempts.cancelled(attempt.id());
      metrics.cancelled(attempt.type(), attempt.queue());
      LOG.info(
          () -> "task " + attempt.id() + " (" + attempt.type() + ") was cancelled while it ran");
      return true;
    }
    if (outcome instanceof Outcome.TimedOut timedOut) {
      return failed(
          attempt,
          message,
          queue,
          took,
          "timed out: the attempt ran longer than its limit of "
              + timedOut.limit().toSeconds()
              + " s and was interrupted");
    }
    Throwable cause = ((Outcome.Failed) outcome).cause();
    if (cause instanceof TaskFailure failure && !failure.isRetryable()) {
      String reason = describe(cause);
      if (attempts.fail(attempt.id(), reason, true) == TaskState.DEAD) {
        metrics.failed(attempt.type(), attempt.queue(), took, true);
        deadLetters.send(message, queue, reason);
      }
      return true;
    }
    return failed(attempt, message, queue, took, describe(cause));
  }

  private void report(String taskId, int percent, String text) {
    try {
      attempts.progress(taskId, percent, text);
    } catch (RuntimeException e) {
      // a progress report is advice for readers; the task goes on whether or not it was stored
      LOG.warning(() -> "progress of task " + taskId + " was not stored: " + e);
    }
  }

  private boolean failed(
      Attempt attempt, Message message, String queue, Duration took, String reason)
      throws JMSException {
    boolean last = isLastDelivery(message, queue);
    TaskState now = attempts.fail(attempt.id(), reason, last);
    if (now == TaskState.CANCELLED) {
      metrics.cancelled(attempt.type(), attempt.queue());
      return true;
    }
    metrics.failed(attempt.type(), attempt.queue(), took, now == TaskState.DEAD);
    LOG.info(
        () ->
            "task "
                + attempt.id()
                + " ("
                + attempt.type()
                + ") attempt "
                + attempt.number()
                + " failed"
                + (last ? " for the last time, it is dead: " : ", the broker will retry it: ")
                + reason);
    return false;
  }

  private boolean isLastDelivery(Message message, String queue) throws JMSException {
    int max = broker.maxDeliveryAttempts(TaskQueues.address(queue));
    return max > 0 && message.getIntProperty("JMSXDeliveryCount") >= max;
  }

  private static String destination(Message message) throws JMSException {
    Destination destination = message.getJMSDestination();
    return destination instanceof Queue q ? q.getQueueName() : null;
  }

  private static String describe(Throwable e) {
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
