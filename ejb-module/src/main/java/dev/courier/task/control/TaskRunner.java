package dev.courier.task.control;

import dev.courier.broker.boundary.EmbeddedBroker;
import dev.courier.observe.TaskMetrics;
import dev.courier.queue.control.TaskQueues;
import dev.courier.store.GroupCommit;
import dev.courier.store.GroupCommit.Statements;
import dev.courier.task.control.RunningTasks.Outcome;
import dev.courier.task.control.TaskDispatch.TaskMessage;
import dev.courier.task.control.TaskStore.Attempt;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.RateLimit;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskRequest;
import dev.courier.task.entity.TaskRows;
import dev.courier.task.entity.TaskState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.reader.TextMessageUtil;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Turns a worker's batch of deliveries from one task queue into attempts, and settles the batch
 * with the broker in one transaction: each delivery's state change is committed to the store first
 * (shared commits, {@link TaskStore}), then every delivery that is done is acknowledged, and the
 * forwards, delays and dead letters that replace some of them are sent, in one broker commit. A
 * failed attempt that the queue retries is acknowledged in a second transaction that is rolled
 * back, so that the broker counts the delivery and redelivers it after the queue's back-off (or,
 * after its max-delivery-attempts, dead-letters it).
 */
@ApplicationScoped
public class TaskRunner {

  private static final Logger LOG = Logger.getLogger(TaskRunner.class.getName());

  /** A client's submission due later than this is scheduled rather than run now. */
  private static final Duration SCHEDULING_THRESHOLD = Duration.ofMillis(50);

  /** A rate-limit slot this close is waited for rather than sent back to the broker. */
  private static final long RATE_WAIT_MILLIS = 5;

  @Inject TaskStore store;
  @Inject TaskDispatch dispatch;
  @Inject Handlers handlers;
  @Inject EmbeddedBroker broker;
  @Inject TaskPolicies policies;
  @Inject RateLimiter rateLimiter;
  @Inject RunningTasks running;
  @Inject TaskMetrics metrics;

  @Inject
  @ConfigProperty(name = "courier.tasks.max-payload-bytes", defaultValue = "1048576")
  long maxPayloadBytes;

  /**
   * An attempt running longer than this is recorded as PROCESSING; a shorter one is stored once,
   * when it ends.
   */
  @Inject
  @ConfigProperty(name = "courier.tasks.start-record-millis", defaultValue = "20")
  long startRecordMillis;

  private Duration recordStartAfter;

  @jakarta.annotation.PostConstruct
  void init() {
    recordStartAfter = Duration.ofMillis(startRecordMillis);
  }

  /**
   * A worker's broker session on its queue, and its own connection to the store for the reads its
   * deliveries need (they share no commit).
   */
  public static final class Worker implements AutoCloseable {
    private final ClientSession session;
    private final ClientProducer producer;
    private final String queue;
    private final TaskStore store;
    private final Runnable giveUp;
    private Statements reader;

    /** The rows of the batch under way, read together; an id's entry is taken once. */
    private final Map<String, Optional<Task>> batchRows = new HashMap<>();

    Worker(
        ClientSession session,
        ClientProducer producer,
        String queue,
        TaskStore store,
        Runnable giveUp) {
      this.session = session;
      this.producer = producer;
      this.queue = queue;
      this.store = store;
      this.giveUp = giveUp;
    }

    /**
     * Its handler did not stop: once the attempt's end is stored, the stuck delivery goes back to
     * the broker counted (so that the queue's back-off and max-delivery-attempts apply), with the
     * rest of the session's deliveries and nothing it sent; then another worker takes this one's
     * place. Runs on the watch's thread while this worker's thread is held by the handler.
     */
    void giveUp(ClientMessage stuck, CompletableFuture<?> ended) {
      try {
        GroupCommit.await(ended);
      } catch (RuntimeException e) {
        LOG.warning(() -> "the end of a given-up attempt was not stored: " + e);
      }
      try {
        stuck.individualAcknowledge();
        session.rollback();
      } catch (ActiveMQException | RuntimeException e) {
        LOG.log(java.util.logging.Level.WARNING, "a given-up delivery was not rolled back", e);
      }
      giveUp.run();
    }

    ClientSession session() {
      return session;
    }

    ClientProducer producer() {
      return producer;
    }

    String queue() {
      return queue;
    }

    Statements reader() throws SQLException {
      if (reader == null) {
        reader = store.reader();
      }
      return reader;
    }

    void resetReader() {
      close();
    }

    /** Reads the rows of the tasks these deliveries carry in one query. */
    void readRows(List<ClientMessage> messages) {
      batchRows.clear();
      List<String> ids = new ArrayList<>(messages.size());
      for (ClientMessage message : messages) {
        String taskId = message.getStringProperty(TaskMessages.TASK_ID);
        if (taskId != null) {
          ids.add(taskId);
        }
      }
      if (ids.size() < 2) {
        return;
      }
      try {
        Map<String, Task> found = TaskRows.findAll(reader(), ids);
        for (String id : ids) {
          batchRows.put(id, Optional.ofNullable(found.get(id)));
        }
      } catch (SQLException e) {
        // each delivery reads its own row then, and is retried if that fails too
        batchRows.clear();
        resetReader();
      }
    }

    /**
     * The task's row as the batch read it; read anew if the batch did not, or if this is the id's
     * second delivery in the batch (the first may have changed it).
     */
    Optional<Task> row(String taskId) throws SQLException {
      Optional<Task> read = batchRows.remove(taskId);
      return read != null ? read : TaskRows.find(reader(), taskId);
    }

    @Override
    public void close() {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    }
  }

  /**
   * A worker of {@code queue} on this broker session; {@code giveUp} replaces it when a handler it
   * runs does not stop.
   */
  public Worker worker(ClientSession session, String queue, Runnable giveUp)
      throws ActiveMQException {
    return new Worker(session, session.createProducer(), queue, store, giveUp);
  }

  /** The worker was given up while its handler ran; its session is no longer its own. */
  public static final class GivenUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GivenUp() {
      super("the worker was given up", null, false, false);
    }
  }

  /** What becomes of one delivery once its state change is durable. */
  private enum Verdict {
    /** Acknowledge it (done, or replaced by a message sent in the same transaction). */
    DONE,
    /** Roll it back: the broker redelivers it after the queue's back-off, or dead-letters it. */
    RETRY
  }

  /** One delivery, its store writes under way and its verdict. */
  private static final class Delivery {
    final ClientMessage message;
    final List<CompletableFuture<?>> writes = new ArrayList<>(2);
    String claimedTask;
    Verdict verdict = Verdict.DONE;

    Delivery(ClientMessage message) {
      this.message = message;
    }
  }

  /** Runs the deliveries and settles them with the broker. */
  public void process(Worker worker, List<ClientMessage> messages)
      throws ActiveMQException, InterruptedException {
    List<Delivery> deliveries = new ArrayList<>(messages.size());
    worker.readRows(messages);
    try {
      for (ClientMessage message : messages) {
        var delivery = new Delivery(message);
        deliveries.add(delivery);
        delivery.verdict = handle(worker, delivery);
      }
      List<Delivery> retried = new ArrayList<>();
      for (Delivery delivery : deliveries) {
        if (!durable(delivery)) {
          delivery.verdict = Verdict.RETRY;
        }
        if (delivery.verdict == Verdict.RETRY) {
          retried.add(delivery);
        }
      }
      if (retried.isEmpty()) {
        // one acknowledgement for the batch: it covers every delivery up to the last
        deliveries.get(deliveries.size() - 1).message.acknowledge();
      } else {
        for (Delivery delivery : deliveries) {
          if (delivery.verdict == Verdict.DONE) {
            delivery.message.individualAcknowledge();
          }
        }
      }
      worker.session().commit();
      if (!retried.isEmpty()) {
        for (Delivery delivery : retried) {
          delivery.message.individualAcknowledge();
        }
        worker.session().rollback();
      }
    } finally {
      for (Delivery delivery : deliveries) {
        if (delivery.claimedTask != null) {
          running.release(delivery.claimedTask, delivery);
        }
      }
    }
  }

  /** Waits for the delivery's store writes; false if one failed (it is then retried). */
  private static boolean durable(Delivery delivery) {
    boolean ok = true;
    for (CompletableFuture<?> write : delivery.writes) {
      try {
        GroupCommit.await(write);
      } catch (RuntimeException e) {
        LOG.warning(() -> "a state change was not stored; the delivery is retried: " + e);
        ok = false;
      }
    }
    return ok;
  }

  private Verdict handle(Worker worker, Delivery delivery)
      throws ActiveMQException, InterruptedException {
    ClientMessage message = delivery.message;
    String taskId = message.getStringProperty(TaskMessages.TASK_ID);
    try {
      if (taskId == null) {
        return submitted(worker, delivery);
      }
      if (deferredByRateLimit(worker, message, taskId)) {
        return Verdict.DONE;
      }
      TaskRequest request = stored(message);
      Optional<Task> row = worker.row(taskId);
      if (row.isEmpty()) {
        // its submission sent the message before it stored the row, and the row is not there
        // (yet): the task is as its message describes it
        String queue = policies.queueFor(request);
        Instant createdAt = Instant.ofEpochMilli(longProperty(message, TaskMessages.CREATED_AT));
        String owner = message.getStringProperty(TaskMessages.OWNER);
        Task restored = Task.restored(taskId, request, queue, createdAt, owner);
        if (restored.key() == null) {
          return run(worker, delivery, restored, () -> restored.copy(), request.payload(), false);
        }
        if (!GroupCommit.await(store.adopt(restored))) {
          LOG.info(
              () ->
                  "task "
                      + taskId
                      + " is not run: its submission was cut off and its key '"
                      + restored.key()
                      + "' went to a later submission");
          return Verdict.DONE;
        }
        return run(worker, delivery, restored, null, request.payload(), false);
      }
      Task task = row.get();
      if (message.containsProperty(TaskMessages.BROKER_ORIGINAL_ADDRESS)
          && task.state() == TaskState.DEAD) {
        Optional<Task> restarted = GroupCommit.await(store.restartDead(taskId));
        if (restarted.isPresent()) {
          return run(worker, delivery, restarted.get(), null, request.payload(), true);
        }
        return Verdict.DONE;
      }
      return runStored(worker, delivery, task, request.payload());
    } catch (Undeliverable e) {
      if (taskId != null) {
        giveUpOnBadMessage(worker, taskId, e.getMessage());
      }
      dispatch.deadLetter(
          worker.session(), worker.producer(), message, worker.queue(), e.getMessage());
      return Verdict.DONE;
    } catch (GroupCommit.StoreFailure | IllegalStateException | SQLException e) {
      LOG.warning(() -> "the task store failed; the delivery is retried: " + e);
      worker.resetReader();
      return Verdict.RETRY;
    }
  }

  /** A stored task's delivery whose row was read: run it, or say why not. */
  private Verdict runStored(Worker worker, Delivery delivery, Task task, JsonObject payload)
      throws ActiveMQException, InterruptedException {
    if (task.state().isFinal()) {
      LOG.fine(() -> "task " + task.id() + " is not run: it is " + task.state());
      return Verdict.DONE;
    }
    if (task.cancelRequested() && task.state() != TaskState.PROCESSING) {
      delivery.writes.add(store.cancelledBeforeStart(task.id()));
      return Verdict.DONE;
    }
    return run(worker, delivery, task, null, payload, false);
  }

  /** A task whose message cannot be read is DEAD with the reason, if it is stored. */
  private void giveUpOnBadMessage(Worker worker, String taskId, String reason) {
    try {
      if (TaskRows.find(worker.reader(), taskId).isPresent()) {
        store.giveUp(taskId, reason);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warning(() -> "task " + taskId + " could not be marked DEAD: " + e);
    }
  }

  /**
   * A client's submission: stored and sent on if it is due later, belongs to another queue or must
   * wait for its rate limit; otherwise run here (and stored once it ends, or once it has run a
   * moment).
   */
  private Verdict submitted(Worker worker, Delivery delivery)
      throws ActiveMQException, InterruptedException, Undeliverable, SQLException {
    ClientMessage message = delivery.message;
    TaskRequest request = submission(message);
    String target;
    try {
      target = policies.queueFor(request);
    } catch (InvalidTaskRequest e) {
      throw new Undeliverable(e.title() + ": " + e.getMessage());
    }
    long sent = message.getTimestamp();
    Instant sentAt = sent > 0 ? Instant.ofEpochMilli(sent) : Instant.now();
    long now = System.currentTimeMillis();
    long due = request.dueAt(sentAt).toEpochMilli();
    Long slot = null;
    Optional<RateLimit> limit = policies.of(request.type()).rateLimit();
    if (limit.isPresent() && due <= now + SCHEDULING_THRESHOLD.toMillis()) {
      slot = rateLimiter.reserve(request.type(), limit.get(), now);
    }
    long deliverAt = Math.max(due, slot == null ? 0 : slot);
    if (message.getDeliveryCount() <= 1) {
      metrics.submitted(request.type(), target);
    }
    String messageId = TaskDispatch.messageId(message);
    Optional<Task> stored = TaskRows.byMessage(worker.reader(), messageId);
    if (deliverAt > now + SCHEDULING_THRESHOLD.toMillis() || !target.equals(worker.queue())) {
      Task received = Task.receivedAs(messageId, request, target, sentAt);
      Optional<Task> accepted = GroupCommit.await(store.accept(received));
      if (accepted.isPresent()) {
        dispatch.send(
            worker.session(),
            worker.producer(),
            TaskMessage.of(accepted.get()).at(deliverAt, slot));
      }
      return Verdict.DONE;
    }
    if (stored.isPresent()) {
      // a redelivery of a submission that was stored before
      return runStored(worker, delivery, stored.get(), request.payload());
    }
    Task received = Task.receivedAs(messageId, request, target, sentAt);
    if (received.key() != null) {
      // the key must be this task's before it runs
      Optional<Task> intake = GroupCommit.await(store.intake(received));
      if (intake.isEmpty()) {
        LOG.fine(() -> "submission " + messageId + " repeats a key; dropped");
        return Verdict.DONE;
      }
      return run(worker, delivery, intake.get(), null, request.payload(), true);
    }
    return run(worker, delivery, received, () -> received.copy(), request.payload(), false);
  }

  /**
   * Applies the type's rate limit to a stored task's delivery: a delivery without a slot, or whose
   * slot has long passed, reserves one; a slot in the future sends the task back to the broker for
   * delivery then (in this transaction), and frees this worker.
   */
  private boolean deferredByRateLimit(Worker worker, ClientMessage message, String taskId)
      throws ActiveMQException, Undeliverable {
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
    if (message.containsProperty(TaskMessages.RATE_SLOT)) {
      long slot = message.getLongProperty(TaskMessages.RATE_SLOT);
      if (now - slot <= intervalMillis && slot <= now + RATE_WAIT_MILLIS) {
        return false;
      }
    }
    long slot = rateLimiter.reserve(type, limit.get(), now);
    if (slot <= now + RATE_WAIT_MILLIS) {
      return false;
    }
    SimpleString group = message.getSimpleStringProperty(Message.HDR_GROUP_ID);
    dispatch.send(
        worker.session(),
        worker.producer(),
        new TaskMessage(
            taskId,
            type,
            worker.queue(),
            message.getPriority(),
            group == null ? null : group.toString(),
            text(message),
            slot,
            slot,
            message.getStringProperty(TaskMessages.OWNER),
            longProperty(message, TaskMessages.CREATED_AT)));
    return true;
  }

  private TaskRequest submission(ClientMessage message) throws Undeliverable, ActiveMQException {
    String body = text(message);
    try {
      TaskRequest request = TaskRequest.parse(body);
      if (!handlers.knows(request.type())) {
        throw InvalidTaskRequest.unknownType(request.type());
      }
      SimpleString group = message.getSimpleStringProperty(Message.HDR_GROUP_ID);
      if (request.groupKey() == null && group != null) {
        // a JMS, AMQP or STOMP client may give the group as the message's JMSXGroupID
        request = request.withGroupKey(group.toString());
      }
      return request;
    } catch (InvalidTaskRequest e) {
      throw new Undeliverable(e.title() + ": " + e.getMessage());
    }
  }

  /** The request a stored task's message carries. */
  private TaskRequest stored(ClientMessage message) throws Undeliverable, ActiveMQException {
    try {
      return TaskRequest.parse(text(message));
    } catch (InvalidTaskRequest e) {
      throw new Undeliverable(e.title() + ": " + e.getMessage());
    }
  }

  private static long longProperty(ClientMessage message, String name) {
    Object value = message.getObjectProperty(name);
    return value instanceof Number n ? n.longValue() : message.getTimestamp();
  }

  /**
   * The message's body as text: a text message's, or a bytes message's read as UTF-8 (what a STOMP
   * frame with a content-length header, or an AMQP data section, arrives as).
   */
  private String text(ClientMessage message) throws Undeliverable, ActiveMQException {
    // a large message's body arrives in chunks: wait for all of it before reading
    message.checkCompletion();
    byte type = message.getType();
    ActiveMQBuffer body = message.getBodyBuffer();
    int start = body.readerIndex();
    try {
      if (type == Message.TEXT_TYPE) {
        SimpleString text = TextMessageUtil.readBodyText(body);
        String json = text == null ? "" : text.toString();
        // a Java string's UTF-8 size is at most three bytes a character
        if (json.length() * 3L > maxPayloadBytes) {
          checkSize(json.getBytes(StandardCharsets.UTF_8).length);
        }
        return json;
      }
      if (type == Message.BYTES_TYPE || type == Message.DEFAULT_TYPE) {
        checkSize(body.readableBytes());
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        try {
          return StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
        } catch (CharacterCodingException e) {
          throw new Undeliverable(
              "the body of this bytes message is not UTF-8 text; send the task as JSON in a text"
                  + " message or as UTF-8 bytes");
        }
      }
      throw new Undeliverable(
          "a "
              + kind(type)
              + " cannot carry a task; send the task as JSON in a text message (or as UTF-8"
              + " bytes) to "
              + TaskMessages.QUEUE);
    } finally {
      body.readerIndex(start);
    }
  }

  /**
   * Runs an attempt of {@code task} (as read, or as its message describes it: then {@code fresh}
   * builds it for a row that is not stored yet) and records how it ended.
   */
  private void checkSize(long bytes) throws Undeliverable {
    if (bytes > maxPayloadBytes) {
      throw new Undeliverable(InvalidTaskRequest.tooLarge(bytes, maxPayloadBytes).getMessage());
    }
  }

  private Verdict run(
      Worker worker,
      Delivery delivery,
      Task task,
      Supplier<Task> fresh,
      JsonObject payload,
      boolean startRecorded)
      throws ActiveMQException, InterruptedException {
    ClientMessage message = delivery.message;
    if (!running.claim(task.id(), delivery)) {
      LOG.fine(() -> "task " + task.id() + " is not run: it is running here already");
      return Verdict.DONE;
    }
    delivery.claimedTask = task.id();
    var attempt = new Attempt(task, fresh, Instant.now(), startRecorded);
    Optional<TaskHandler> handler = handlers.forType(task.type());
    if (handler.isEmpty()) {
      String reason = InvalidTaskRequest.unknownType(task.type()).getMessage();
      attempt.ended();
      GroupCommit.await(store.fail(attempt, reason, true));
      dispatch.deadLetter(worker.session(), worker.producer(), message, worker.queue(), reason);
      return Verdict.DONE;
    }
    Optional<Duration> timeout =
        task.timeoutSeconds() != null
            ? Optional.of(Duration.ofSeconds(task.timeoutSeconds()))
            : policies.of(task.type()).timeout();
    var context =
        new TaskContext(
            task.id(),
            task.type(),
            payload,
            attempt.number(),
            task.queue(),
            timeout,
            (id, percent, text) -> {
              store.recordStart(attempt);
              store.progress(id, percent, text);
            });
    long started = System.nanoTime();
    boolean last = isLastDelivery(message, worker.queue());
    Outcome outcome =
        running.run(
            context,
            handler.get(),
            recordStartAfter,
            new RunningTasks.Watcher() {
              @Override
              public void longRunning() {
                store.recordStart(attempt);
              }

              @Override
              public void givenUp(boolean timedOut) {
                attempt.ended();
                CompletableFuture<?> ended;
                if (timedOut) {
                  ended =
                      store.fail(
                          attempt,
                          "timed out: the attempt ran longer than its limit of "
                              + timeout.orElseThrow().toSeconds()
                              + " s and did not stop when interrupted",
                          last);
                  metrics.failed(task.type(), task.queue(), timeout.orElseThrow(), last);
                } else {
                  ended = store.cancelled(attempt);
                  metrics.cancelled(task.type(), task.queue());
                }
                worker.giveUp(message, ended);
              }
            });
    if (outcome instanceof Outcome.GivenUp) {
      // the watch ended the attempt and settled the worker's session: this worker is done
      throw new GivenUp();
    }
    attempt.ended();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (outcome instanceof Outcome.Succeeded succeeded) {
      JsonValue result = succeeded.result();
      delivery.writes.add(store.succeed(attempt, result == null ? "null" : result.toString()));
      metrics.succeeded(task.type(), task.queue(), took);
      return Verdict.DONE;
    }
    if (outcome instanceof Outcome.Cancelled) {
      delivery.writes.add(store.cancelled(attempt));
      metrics.cancelled(task.type(), task.queue());
      LOG.info(() -> "task " + task.id() + " (" + task.type() + ") was cancelled while it ran");
      return Verdict.DONE;
    }
    if (outcome instanceof Outcome.TimedOut timedOut) {
      return failed(
          worker,
          delivery,
          attempt,
          took,
          "timed out: the attempt ran longer than its limit of "
              + timedOut.limit().toSeconds()
              + " s and was interrupted",
          last);
    }
    Throwable cause = ((Outcome.Failed) outcome).cause();
    boolean wrongShape = TaskFailure.isWrongShape(cause);
    if (cause instanceof TaskFailure failure && !failure.isRetryable() || wrongShape) {
      String reason =
          wrongShape
              ? "the payload does not have the shape a '"
                  + task.type()
                  + "' task takes (no retry can mend it): "
                  + describe(cause)
              : describe(cause);
      if (GroupCommit.await(store.fail(attempt, reason, true)) == TaskState.DEAD) {
        metrics.failed(task.type(), task.queue(), took, true);
        dispatch.deadLetter(worker.session(), worker.producer(), message, worker.queue(), reason);
      }
      return Verdict.DONE;
    }
    return failed(worker, delivery, attempt, took, describe(cause), last);
  }

  private Verdict failed(
      Worker worker,
      Delivery delivery,
      Attempt attempt,
      Duration took,
      String reason,
      boolean last) {
    Task task = attempt.task();
    TaskState now = GroupCommit.await(store.fail(attempt, reason, last));
    if (now == TaskState.CANCELLED) {
      metrics.cancelled(task.type(), task.queue());
      return Verdict.DONE;
    }
    metrics.failed(task.type(), task.queue(), took, now == TaskState.DEAD);
    LOG.info(
        () ->
            "task "
                + task.id()
                + " ("
                + task.type()
                + ") attempt "
                + attempt.number()
                + " failed"
                + (last ? " for the last time, it is dead: " : ", the broker will retry it: ")
                + reason);
    return Verdict.RETRY;
  }

  private boolean isLastDelivery(ClientMessage message, String queue) {
    int max = maxDeliveryAttempts(queue);
    return max > 0 && message.getDeliveryCount() >= max;
  }

  /** A queue's address setting, read from the broker at most once a second. */
  private int maxDeliveryAttempts(String queue) {
    long now = System.nanoTime();
    DeliveryAttempts known = deliveryAttempts.get(queue);
    if (known == null || now - known.readAt() > ATTEMPTS_READ_EVERY) {
      known = new DeliveryAttempts(broker.maxDeliveryAttempts(TaskQueues.address(queue)), now);
      deliveryAttempts.put(queue, known);
    }
    return known.max();
  }

  /** How often the broker delivers a queue's messages, as read at a time (nanoTime). */
  private record DeliveryAttempts(int max, long readAt) {}

  private static final long ATTEMPTS_READ_EVERY = Duration.ofSeconds(1).toNanos();
  private final Map<String, DeliveryAttempts> deliveryAttempts = new ConcurrentHashMap<>();

  private static String describe(Throwable e) {
    if (e instanceof TaskFailure && e.getMessage() != null) {
      return e.getMessage();
    }
    return e.getMessage() == null
        ? e.getClass().getName()
        : e.getClass().getName() + ": " + e.getMessage();
  }

  private static String kind(byte type) {
    return switch (type) {
      case Message.MAP_TYPE -> "MapMessage";
      case Message.OBJECT_TYPE -> "ObjectMessage";
      case Message.STREAM_TYPE -> "StreamMessage";
      default -> "message of type " + type;
    };
  }
}
