package dev.courier.task.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Runs handlers on threads of their own while the consumer that received the task waits, so that a
 * time limit or a cancellation frees the consumer at once: the handler is interrupted and the
 * consumer moves on, even if the handler ignores the interrupt (it is then counted as overrunning
 * until it returns). Knows which tasks run on this instance, for cancellation.
 */
@ApplicationScoped
public class RunningTasks {

  private static final Logger LOG = Logger.getLogger(RunningTasks.class.getName());

  /** How long a cancellation for a task not running here is remembered (it may be starting). */
  private static final Duration PENDING_CANCEL = Duration.ofMinutes(1);

  /**
   * This run of this instance (a new id at every start): recorded on the tasks it starts, so that a
   * later run, or another instance, knows a PROCESSING task of an earlier run is not running here.
   */
  public static final String RUN = java.util.UUID.randomUUID().toString();

  @Resource ManagedThreadFactory threads;

  /** The tasks whose attempt this instance started and has not yet ended, by delivery. */
  private final Map<String, Object> claims = new ConcurrentHashMap<>();

  private ExecutorService pool;
  private final Map<String, Run> running = new ConcurrentHashMap<>();
  private final Map<String, Instant> pendingCancels = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> runningByQueue = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> overrunningByQueue = new ConcurrentHashMap<>();

  /** How one run ended. */
  public sealed interface Outcome {
    record Succeeded(JsonValue result) implements Outcome {}

    record Failed(Throwable cause) implements Outcome {}

    record TimedOut(Duration limit) implements Outcome {}

    record Cancelled() implements Outcome {}
  }

  @PostConstruct
  void start() {
    pool = Executors.newCachedThreadPool(threads);
  }

  @PreDestroy
  void stop() {
    pool.shutdownNow();
  }

  /**
   * Runs the handler; {@code longRunning} is called once if it is still running after {@code
   * recordAfter} (to record its start).
   */
  public Outcome run(
      TaskContext task, TaskHandler handler, Duration recordAfter, Runnable longRunning)
      throws InterruptedException {
    Run run = new Run(task, counter(overrunningByQueue, task.queue()));
    AtomicInteger queueRunning = counter(runningByQueue, task.queue());
    queueRunning.incrementAndGet();
    try {
      run.future =
          pool.submit(
              () -> {
                try {
                  return handler.run(task);
                } finally {
                  run.handlerReturned();
                }
              });
      running.put(task.id(), run);
      if (pendingCancels.remove(task.id()) != null) {
        run.cancel();
      }
      return await(task, run.future, recordAfter, longRunning);
    } finally {
      running.remove(task.id());
      queueRunning.decrementAndGet();
      if (run.future != null && run.consumerLeft()) {
        LOG.warning(
            () ->
                "task "
                    + task.id()
                    + " ("
                    + task.type()
                    + ") did not stop when interrupted; its consumer moved on and the handler"
                    + " thread runs on until it returns");
      }
    }
  }

  private Outcome await(
      TaskContext task, Future<JsonValue> future, Duration recordAfter, Runnable longRunning)
      throws InterruptedException {
    try {
      long started = System.nanoTime();
      Optional<Duration> limit = task.timeout();
      long firstWait =
          limit
              .map(l -> Math.min(l.toNanos(), recordAfter.toNanos()))
              .orElse(recordAfter.toNanos());
      try {
        return new Outcome.Succeeded(future.get(firstWait, TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        if (limit.isPresent() && System.nanoTime() - started >= limit.get().toNanos()) {
          throw e;
        }
      }
      longRunning.run();
      JsonValue result =
          limit.isPresent()
              ? future.get(
                  limit.get().toNanos() - (System.nanoTime() - started), TimeUnit.NANOSECONDS)
              : future.get();
      return new Outcome.Succeeded(result);
    } catch (TimeoutException e) {
      task.cancel();
      future.cancel(true);
      return new Outcome.TimedOut(task.timeout().orElseThrow());
    } catch (CancellationException e) {
      return new Outcome.Cancelled();
    } catch (ExecutionException e) {
      return task.isCancelled() ? new Outcome.Cancelled() : new Outcome.Failed(e.getCause());
    } catch (InterruptedException e) {
      // the server is stopping the consumer: stop the handler too and let the broker redeliver
      future.cancel(true);
      throw e;
    }
  }

  /** One handler run; counts it as overrunning while it outlives its consumer. */
  private static final class Run {
    final TaskContext task;
    final AtomicInteger overrunning;
    volatile Future<JsonValue> future;
    private boolean returned;
    private boolean left;

    Run(TaskContext task, AtomicInteger overrunning) {
      this.task = task;
      this.overrunning = overrunning;
    }

    void cancel() {
      task.cancel();
      future.cancel(true);
    }

    synchronized void handlerReturned() {
      returned = true;
      if (left) {
        overrunning.decrementAndGet();
      }
    }

    /** The consumer is done with the task; true if the handler still runs. */
    synchronized boolean consumerLeft() {
      left = true;
      if (!returned) {
        overrunning.incrementAndGet();
        return true;
      }
      return false;
    }
  }

  /**
   * Cancels a task if it runs here: flags it and interrupts its handler. A task not running here is
   * remembered for a minute, in case its start on this instance is under way.
   */
  public boolean cancel(String taskId) {
    Run run = running.get(taskId);
    if (run == null) {
      Instant now = Instant.now();
      pendingCancels.values().removeIf(at -> at.isBefore(now.minus(PENDING_CANCEL)));
      pendingCancels.put(taskId, now);
      return false;
    }
    run.cancel();
    return true;
  }

  /**
   * Claims the task for a delivery's attempt here; false if another delivery of it has one under
   * way here (a second message for one task must not run it twice at once).
   */
  public boolean claim(String taskId, Object delivery) {
    Object holder = claims.putIfAbsent(taskId, delivery);
    return holder == null || holder == delivery;
  }

  /** The delivery's attempt has ended (or never started). */
  public void release(String taskId, Object delivery) {
    claims.remove(taskId, delivery);
  }

  /** Handlers of the queue running on this instance now. */
  public int running(String queue) {
    return counter(runningByQueue, queue).get();
  }

  /** Handlers of the queue that were interrupted, did not stop, and still run. */
  public int overrunning(String queue) {
    return counter(overrunningByQueue, queue).get();
  }

  private static AtomicInteger counter(Map<String, AtomicInteger> counters, String queue) {
    return counters.computeIfAbsent(queue, q -> new AtomicInteger());
  }
}
