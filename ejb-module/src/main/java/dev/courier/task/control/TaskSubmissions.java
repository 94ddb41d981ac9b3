package dev.courier.task.control;

import dev.courier.observe.TaskMetrics;
import dev.courier.store.GroupCommit;
import dev.courier.task.control.TaskStore.Claimed;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Submits tasks from inside Courier (the HTTP API, schedules, handlers that queue more work), in
 * three steps that concurrent submissions share: the keys are claimed (one commit), the messages
 * are sent (one broker commit), the rows are stored (one commit). The message goes before the row,
 * so a stored task always has its message, and a task whose row never came (its instance died in
 * between) is stored by the worker that takes its message, from what the message says. No two-phase
 * commit is needed, and no task is lost or stuck.
 *
 * <p>A submission is accepted once its message is committed: the message is the durable record (as
 * it is for a task a client sends to the broker itself), and the row follows without the caller
 * waiting for it. A read of a task that was submitted on this instance and whose row is still on
 * its way waits for it ({@link #awaitStored}), so a client reads what it has just submitted.
 */
@ApplicationScoped
public class TaskSubmissions {

  private static final Logger LOG = Logger.getLogger(TaskSubmissions.class.getName());

  @Inject Handlers handlers;
  @Inject TaskPolicies policies;
  @Inject TaskStore store;
  @Inject TaskDispatch dispatch;
  @Inject TaskMetrics metrics;

  /** The tasks submitted here whose rows are being stored, each with its store's outcome. */
  private final Map<String, CompletableFuture<Void>> storing = new ConcurrentHashMap<>();

  /** A submission's outcome: a new task, or the id of the one that holds the submission's key. */
  public record Submission(Task task, String holderId) {
    public boolean created() {
      return holderId == null;
    }
  }

  /** The broker did not take the tasks (it is down, or stopping): nothing was submitted. */
  public static final class NotTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotTaken(Throwable cause) {
      super("the broker did not take the tasks, so none was submitted; try again", cause);
    }
  }

  public Submission submit(TaskRequest request) {
    return submit(request, null);
  }

  /** Submits a task on behalf of {@code owner} (an API user; null for Courier's own). */
  public Submission submit(TaskRequest request, String owner) {
    return submitAll(List.of(request), owner).get(0);
  }

  /**
   * Submits tasks in one go, all or none: an unknown type or queue refuses them all, naming the
   * request's index when there are several.
   */
  public List<Submission> submitAll(List<TaskRequest> requests, String owner) {
    Instant now = Instant.now();
    List<Task> tasks = new ArrayList<>(requests.size());
    boolean keyed = false;
    for (int i = 0; i < requests.size(); i++) {
      TaskRequest request = requests.get(i);
      try {
        if (!handlers.knows(request.type())) {
          throw InvalidTaskRequest.unknownType(request.type());
        }
        Task task = Task.submitted(request, policies.queueFor(request), now);
        task.ownedBy(owner);
        tasks.add(task);
        keyed |= task.key() != null;
      } catch (InvalidTaskRequest e) {
        throw requests.size() == 1 ? e : e.inBatch(i);
      }
    }
    List<Claimed> claimed =
        keyed
            ? GroupCommit.await(store.claim(tasks))
            : tasks.stream().map(task -> new Claimed(task, null)).toList();
    List<Task> created = new ArrayList<>(claimed.size());
    List<Submission> submissions = new ArrayList<>(claimed.size());
    for (Claimed one : claimed) {
      submissions.add(new Submission(one.task(), one.holderId()));
      if (one.created()) {
        created.add(one.task());
      }
    }
    if (created.isEmpty()) {
      return submissions;
    }
    try {
      GroupCommit.await(dispatch.submit(created));
    } catch (RuntimeException e) {
      store.release(created);
      throw new IllegalStateException(
          "the broker did not take the tasks; nothing was submitted", e);
    }
    for (Task task : created) {
      metrics.submitted(task.type(), task.queue());
    }
    storeLater(created);
    return submissions;
  }

  /**
   * Waits, at most {@code wait}, until the row of a task submitted on this instance is stored, if
   * it is on its way; returns at once for any other task.
   */
  public void awaitStored(String id, Duration wait) {
    CompletableFuture<Void> stored = storing.get(id);
    if (stored == null) {
      return;
    }
    try {
      stored.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the row comes when a worker takes the task's message; the reader sees what is stored now
    }
  }

  private void storeLater(List<Task> created) {
    var stored = new CompletableFuture<Void>();
    for (Task task : created) {
      storing.put(task.id(), stored);
    }
    store
        .storeSent(created)
        .whenComplete(
            (done, failure) -> {
              for (Task task : created) {
                storing.remove(task.id(), stored);
              }
              if (failure != null) {
                // the messages are on the broker: each worker that takes one stores its task then
                LOG.warning(
                    () -> created.size() + " submitted tasks are stored when they run: " + failure);
                stored.completeExceptionally(failure);
              } else {
                stored.complete(null);
              }
            });
  }
}
