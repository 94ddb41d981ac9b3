package dev.courier.task.entity;

import static dev.courier.json.Jsons.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.io.StringReader;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(
    name = "COURIER_TASK",
    indexes = {
      @Index(name = "COURIER_TASK_KEY", columnList = "TASK_KEY"),
      @Index(name = "COURIER_TASK_STATE", columnList = "STATE"),
      @Index(name = "COURIER_TASK_CREATED", columnList = "CREATEDAT"),
      @Index(name = "COURIER_TASK_FINISHED", columnList = "FINISHEDAT"),
      @Index(name = "COURIER_TASK_MESSAGE", columnList = "MESSAGE_ID", unique = true)
    })
@NamedQuery(
    name = Task.BY_KEY,
    query = "select t from Task t where t.key = :key order by t.createdAt desc")
@NamedQuery(name = Task.BY_MESSAGE, query = "select t from Task t where t.messageId = :messageId")
public class Task {

  public static final String BY_KEY = "Task.byKey";
  public static final String BY_MESSAGE = "Task.byMessage";
  static final int MAX_ERROR_LENGTH = 4000;

  @Id
  @Column(length = 36)
  String id;

  @Column(name = "TASK_KEY", length = 200)
  String key;

  @Column(nullable = false, length = 100)
  String type;

  @Lob
  @Column(nullable = false)
  String payload;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 20)
  TaskState state;

  int priority;
  int attempts;

  @Column(name = "QUEUE_NAME", length = 100)
  String queue;

  /** This task's own time limit per attempt, in seconds; null: its type's. */
  Integer timeoutSeconds;

  /** The user who submitted it over the API; null for JMS submissions and Courier's own. */
  @Column(length = 100)
  String owner;

  /** Tasks with one group key run one at a time, in submission order (JMSXGroupID). */
  @Column(length = 200)
  String groupKey;

  Integer progressPercent;

  @Column(length = 500)
  String progressMessage;

  Instant progressAt;

  /**
   * Cancellation was asked while the task ran; its handler is interrupted and it ends CANCELLED.
   */
  boolean cancelRequested;

  @Column(length = MAX_ERROR_LENGTH)
  String error;

  @Lob String result;

  /** The JMS message a client submitted this task with; makes intake idempotent on redelivery. */
  @Column(name = "MESSAGE_ID", length = 200)
  String messageId;

  @Column(nullable = false)
  Instant createdAt;

  Instant runAt;
  Instant startedAt;
  Instant finishedAt;

  /**
   * The instance run (its boot id) that started the running attempt; another run may take over a
   * task that was PROCESSING when its instance died.
   */
  @Column(length = 64)
  String runner;

  @Version long version;

  protected Task() {}

  public static Task submitted(TaskRequest request, String queue, Instant now) {
    var task = new Task();
    task.queue = queue;
    task.timeoutSeconds = request.timeoutSeconds();
    task.groupKey = request.groupKey();
    task.id = newId();
    task.type = request.type();
    task.payload = request.payload().toString();
    task.priority = request.priority();
    task.key = request.key();
    task.createdAt = now;
    task.runAt = request.dueAt(now);
    task.state = task.runAt.isAfter(now) ? TaskState.SCHEDULED : TaskState.ENQUEUED;
    return task;
  }

  /**
   * A new task id: a time-ordered UUID (version 7: milliseconds since the epoch, then random bits),
   * so that new rows go to the end of the table's indexes instead of anywhere in them.
   */
  public static String newId() {
    long millis = System.currentTimeMillis();
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /**
   * A task as its message describes it, for a delivery that comes before its row (the submission
   * sends the message first, then stores the row): the same id, queue, owner and creation time.
   */
  public static Task restored(
      String id, TaskRequest request, String queue, Instant createdAt, String owner) {
    var task = submitted(request, queue, createdAt);
    task.id = id;
    task.owner = owner;
    return task;
  }

  /** A task a client submitted as a JMS message at {@code sentAt} (its JMSTimestamp). */
  public static Task receivedAs(
      String messageId, TaskRequest request, String queue, Instant sentAt) {
    var task = submitted(request, queue, sentAt);
    task.messageId = messageId;
    return task;
  }

  /**
   * Cancels a task. One whose message was {@code withdrawn} from the broker (so no attempt can
   * start) is CANCELLED at once; any other unfinished one (running, or its message already on its
   * way to a worker) is marked, and the attempt that runs it or is about to ends it CANCELLED.
   *
   * @return true if it is marked, and the instances must be told
   */
  public boolean cancel(Instant now, boolean withdrawn) {
    if (withdrawn && state != TaskState.PROCESSING) {
      moveTo(TaskState.CANCELLED);
      finishedAt = now;
      return false;
    }
    if (state.isFinal()) {
      moveTo(TaskState.CANCELLED);
    }
    cancelRequested = true;
    return true;
  }

  /**
   * Starts an attempt; false (and CANCELLED) if cancellation was asked while a previous one ran.
   */
  public boolean startAttempt(Instant now, String runner) {
    if (cancelRequested) {
      cancelled(now);
      return false;
    }
    moveTo(TaskState.PROCESSING);
    attempts++;
    startedAt = now;
    this.runner = runner;
    progressPercent = null;
    progressMessage = null;
    progressAt = null;
    return true;
  }

  /** The running attempt stopped because the task was cancelled. */
  public void cancelled(Instant now) {
    moveTo(TaskState.CANCELLED);
    finishedAt = now;
  }

  public void progress(int percent, String message, Instant now) {
    progressPercent = percent;
    progressMessage =
        message == null || message.length() <= 500 ? message : message.substring(0, 500);
    progressAt = now;
  }

  /**
   * Puts a dead task back in its queue for a fresh set of attempts (its dead letter is retried).
   */
  public void retry() {
    moveTo(TaskState.ENQUEUED);
    attempts = 0;
    finishedAt = null;
    cancelRequested = false;
  }

  public void succeed(String resultJson, Instant now) {
    moveTo(TaskState.SUCCEEDED);
    result = resultJson;
    error = null;
    finishedAt = now;
  }

  /**
   * Records a failed attempt; {@code lastAttempt} says the broker will not redeliver it. A task
   * whose cancellation was asked while it ran ends CANCELLED instead.
   */
  public void fail(String reason, boolean lastAttempt, Instant now) {
    if (cancelRequested) {
      error = truncate(reason);
      cancelled(now);
      return;
    }
    moveTo(lastAttempt ? TaskState.DEAD : TaskState.FAILED);
    error = truncate(reason);
    if (lastAttempt) {
      finishedAt = now;
    }
  }

  private void moveTo(TaskState target) {
    if (!state.canMoveTo(target)) {
      throw new IllegalTransition(id, state, target);
    }
    state = target;
  }

  static String truncate(String reason) {
    if (reason == null) {
      return null;
    }
    return reason.length() <= MAX_ERROR_LENGTH ? reason : reason.substring(0, MAX_ERROR_LENGTH);
  }

  /** An unstored copy (for a store unit that may run again and must start from the same task). */
  public Task copy() {
    var copy = new Task();
    copy.id = id;
    copy.key = key;
    copy.type = type;
    copy.payload = payload;
    copy.state = state;
    copy.priority = priority;
    copy.attempts = attempts;
    copy.queue = queue;
    copy.timeoutSeconds = timeoutSeconds;
    copy.owner = owner;
    copy.groupKey = groupKey;
    copy.progressPercent = progressPercent;
    copy.progressMessage = progressMessage;
    copy.progressAt = progressAt;
    copy.cancelRequested = cancelRequested;
    copy.error = error;
    copy.result = result;
    copy.messageId = messageId;
    copy.createdAt = createdAt;
    copy.runAt = runAt;
    copy.startedAt = startedAt;
    copy.finishedAt = finishedAt;
    copy.runner = runner;
    copy.version = version;
    return copy;
  }

  /** The row's version; 0 for a task not read from the store. */
  public long version() {
    return version;
  }

  /** The request that stores this task again, as its message carries it. */
  public TaskRequest request() {
    return new TaskRequest(
        type,
        payload(),
        java.time.Duration.ZERO,
        runAt,
        priority,
        key,
        queue,
        timeoutSeconds,
        groupKey);
  }

  public JsonObject toJson() {
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("id", id)
            .add("type", type)
            .add("state", state.name())
            .add("queue", queue == null ? "default" : queue)
            .add("priority", priority)
            .add("attempts", attempts)
            .add("payload", parse(payload))
            .add("result", result == null ? JsonValue.NULL : parse(result))
            .add("error", error == null ? JsonValue.NULL : JSON.createValue(error))
            .add("createdAt", createdAt.toString())
            .add("runAt", text(runAt))
            .add("startedAt", text(startedAt))
            .add("finishedAt", text(finishedAt));
    if (key != null) {
      json.add("key", key);
    }
    if (timeoutSeconds != null) {
      json.add("timeoutSeconds", timeoutSeconds);
    }
    if (groupKey != null) {
      json.add("groupKey", groupKey);
    }
    if (owner != null) {
      json.add("owner", owner);
    }
    if (progressPercent != null) {
      json.add(
          "progress",
          JSON.createObjectBuilder()
              .add("percent", progressPercent)
              .add(
                  "message",
                  progressMessage == null ? JsonValue.NULL : JSON.createValue(progressMessage))
              .add("at", text(progressAt)));
    }
    if (cancelRequested) {
      json.add("cancelRequested", true);
    }
    return json.build();
  }

  private static JsonValue text(Instant instant) {
    return instant == null ? JsonValue.NULL : JSON.createValue(instant.toString());
  }

  private static JsonValue parse(String json) {
    try (var reader = JSON.createReader(new StringReader(json))) {
      return reader.readValue();
    }
  }

  public String id() {
    return id;
  }

  public String type() {
    return type;
  }

  public TaskState state() {
    return state;
  }

  public int attempts() {
    return attempts;
  }

  public int priority() {
    return priority;
  }

  public String key() {
    return key;
  }

  public String queue() {
    return queue == null ? "default" : queue;
  }

  public boolean cancelRequested() {
    return cancelRequested;
  }

  public String owner() {
    return owner;
  }

  /** Records who submitted it (over the API). */
  public void ownedBy(String user) {
    this.owner = user;
  }

  public String groupKey() {
    return groupKey;
  }

  public Integer timeoutSeconds() {
    return timeoutSeconds;
  }

  public String messageId() {
    return messageId;
  }

  public String error() {
    return error;
  }

  public String result() {
    return result;
  }

  public JsonObject payload() {
    return parse(payload).asJsonObject();
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant runAt() {
    return runAt;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant finishedAt() {
    return finishedAt;
  }
}
