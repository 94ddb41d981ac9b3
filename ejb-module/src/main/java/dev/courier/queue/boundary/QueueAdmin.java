package dev.courier.queue.boundary;

import static dev.courier.broker.control.Management.call;
import static dev.courier.json.Jsons.JSON;

import dev.courier.broker.boundary.EmbeddedBroker;
import dev.courier.broker.control.Management;
import dev.courier.queue.control.TaskQueues;
import dev.courier.queue.entity.UnknownQueue;
import dev.courier.task.control.RunningTasks;
import dev.courier.task.control.TaskMessages;
import dev.courier.task.control.TaskStore;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskState;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.activemq.artemis.api.core.management.QueueControl;

/**
 * The task queues as the broker sees them, through Artemis management (QueueControl): depths, pause
 * and resume, and each queue's dead letters (list, retry, purge). Pausing is the broker's: every
 * consumer of the queue, on every instance, stops receiving.
 */
@Stateless
public class QueueAdmin {

  @Inject EmbeddedBroker broker;
  @Inject TaskQueues queues;
  @Inject RunningTasks running;
  @Inject TaskStore store;
  @PersistenceContext EntityManager em;

  public List<JsonObject> all() {
    return queues.names().stream().map(this::describe).toList();
  }

  public JsonObject describe(String queue) {
    QueueControl control = control(queue);
    String address = TaskQueues.address(queue);
    long deadLetters =
        broker
            .queue(TaskQueues.deadLetterAddress(queue))
            .map(QueueControl::getMessageCount)
            .orElse(0L);
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("name", queue)
            .add("address", address)
            .add("depth", control.getMessageCount())
            .add("inFlight", control.getDeliveringCount())
            .add("scheduled", control.getScheduledCount())
            .add("consumers", control.getConsumerCount())
            .add("paused", control.isPaused())
            .add("deadLetters", deadLetters)
            .add("deadLetterQueue", TaskQueues.deadLetterAddress(queue))
            .add("runningHere", running.running(queue))
            .add("overrunningHere", running.overrunning(queue));
    broker
        .address(address)
        .ifPresent(
            a -> {
              try {
                json.add("paging", a.isPaging()).add("pages", a.getNumberOfPages());
              } catch (Exception e) {
                throw new IllegalStateException(
                    "the broker did not report paging of " + address, e);
              }
            });
    return json.build();
  }

  /** Stops delivery from the queue to every consumer; the pause survives a broker restart. */
  public JsonObject pause(String queue) {
    Management.run(() -> control(queue).pause(true));
    return describe(queue);
  }

  public JsonObject resume(String queue) {
    Management.run(() -> control(queue).resume());
    return describe(queue);
  }

  /** The queue's dead letters, oldest first, with the reason and the task's last error. */
  public List<JsonObject> deadLetters(String queue, int limit) {
    QueueControl dlq = deadLetterQueue(queue);
    Map<String, Object>[] messages = call(() -> dlq.listMessages(null));
    List<JsonObject> found = new ArrayList<>();
    for (int i = 0; i < messages.length && found.size() < limit; i++) {
      found.add(deadLetter(messages[i]));
    }
    return found;
  }

  private JsonObject deadLetter(Map<String, Object> message) {
    JsonObjectBuilder json =
        JSON.createObjectBuilder().add("messageId", String.valueOf(message.get("messageID")));
    Optional<Task> task = taskOf(message);
    String reason = string(message.get(TaskMessages.DEAD_REASON));
    if (reason == null) {
      reason =
          "failed on every delivery the queue allows (max-delivery-attempts "
              + broker.maxDeliveryAttempts(string(message.getOrDefault("_AMQ_ORIG_ADDRESS", "")))
              + ")";
    }
    json.add("reason", reason);
    Object timestamp = message.get("timestamp");
    if (timestamp instanceof Number sent) {
      json.add("sentAt", Instant.ofEpochMilli(sent.longValue()).toString());
    }
    task.ifPresentOrElse(
        t -> {
          json.add("taskId", t.id()).add("type", t.type()).add("state", t.state().name());
          json.add("attempts", t.attempts());
          if (t.error() != null) {
            json.add("lastError", t.error());
          }
          if (t.finishedAt() != null) {
            json.add("deadAt", t.finishedAt().toString());
          }
        },
        () -> json.addNull("taskId"));
    return json.build();
  }

  private Optional<Task> taskOf(Map<String, Object> message) {
    String taskId = string(message.get(TaskMessages.TASK_ID));
    if (taskId != null) {
      return Optional.ofNullable(em.find(Task.class, taskId));
    }
    String userId = string(message.get("userID"));
    if (userId == null) {
      return Optional.empty();
    }
    String messageId = userId.startsWith("ID:") ? userId : "ID:" + userId;
    return em.createNamedQuery(Task.BY_MESSAGE, Task.class)
        .setParameter("messageId", messageId)
        .getResultStream()
        .findFirst();
  }

  /**
   * Retries dead letters: each task goes back to ENQUEUED with its attempts reset, then its message
   * moves back to the queue. {@code taskIds} empty: every dead letter of a dead task.
   *
   * @return how many were retried
   */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public int retry(String queue, Collection<String> taskIds) {
    QueueControl dlq = deadLetterQueue(queue);
    int retried = 0;
    for (Map<String, Object> message : call(() -> dlq.listMessages(null))) {
      Optional<Task> task = taskOf(message);
      if (task.isEmpty()
          || task.get().state() != TaskState.DEAD
          || !(taskIds.isEmpty() || taskIds.contains(task.get().id()))) {
        continue;
      }
      String id = task.get().id();
      // committed before the message moves: the consumer must find the task ENQUEUED, not DEAD,
      // or it would drop the retried message
      store.retry(id);
      long messageId = ((Number) message.get("messageID")).longValue();
      if (call(() -> dlq.moveMessage(messageId, TaskQueues.address(queue), false))) {
        retried++;
      } else {
        store.giveUp(id, "its dead letter could not be moved back to the queue");
      }
    }
    return retried;
  }

  /** Removes dead letters: those of {@code taskIds}, or all if it is empty. */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public int purge(String queue, Collection<String> taskIds) {
    QueueControl dlq = deadLetterQueue(queue);
    if (taskIds.isEmpty()) {
      return call(dlq::removeAllMessages);
    }
    int removed = 0;
    for (Map<String, Object> message : call(() -> dlq.listMessages(null))) {
      Optional<Task> task = taskOf(message);
      if (task.isPresent() && taskIds.contains(task.get().id())) {
        long messageId = ((Number) message.get("messageID")).longValue();
        if (call(() -> dlq.removeMessage(messageId))) {
          removed++;
        }
      }
    }
    return removed;
  }

  private QueueControl control(String queue) {
    if (!queues.exists(queue)) {
      throw new UnknownQueue(queue, queues.names());
    }
    return broker
        .queue(TaskQueues.address(queue))
        .orElseThrow(
            () ->
                new IllegalStateException("the broker has no queue " + TaskQueues.address(queue)));
  }

  private QueueControl deadLetterQueue(String queue) {
    control(queue);
    return broker
        .queue(TaskQueues.deadLetterAddress(queue))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the broker has no queue " + TaskQueues.deadLetterAddress(queue)));
  }

  private static String string(Object value) {
    return value == null ? null : value.toString();
  }
}
