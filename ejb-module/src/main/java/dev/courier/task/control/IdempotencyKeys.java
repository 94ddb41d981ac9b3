package dev.courier.task.control;

import dev.courier.store.GroupCommit.Statements;
import dev.courier.task.entity.Task;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A submission with a {@code key} that an earlier task took within the retention window ({@code
 * courier.tasks.idempotency-window-seconds}, 24 h by default) is that earlier task, not a new one.
 * Works in the caller's transaction (a unit of {@link dev.courier.store.GroupCommit}); the key is
 * the table's primary key, so of two racing submissions on different instances one insert fails,
 * and that unit, run again alone, finds the winner. A submission claims its key before it sends its
 * message and stores its row, so a key whose task is not (yet) stored is held for {@link #PENDING}
 * after its claim: long enough for that submission to finish, and if it never does (its instance
 * died before it sent the message), the key is free again soon after.
 */
@ApplicationScoped
public class IdempotencyKeys {

  private static final String HELD =
      "SELECT k.TASKID, k.CLAIMEDAT, t.ID FROM COURIER_TASK_IDEMPOTENCY k"
          + " LEFT JOIN COURIER_TASK t ON t.ID = k.TASKID WHERE k.TASK_KEY = ?";
  private static final String INSERT =
      "INSERT INTO COURIER_TASK_IDEMPOTENCY (TASK_KEY, TASKID, CLAIMEDAT) VALUES (?, ?, ?)";
  private static final String CONFIRM =
      "UPDATE COURIER_TASK_IDEMPOTENCY SET TASKID = TASKID WHERE TASK_KEY = ? AND TASKID = ?";
  private static final String RELEASE =
      "DELETE FROM COURIER_TASK_IDEMPOTENCY WHERE TASK_KEY = ? AND TASKID = ?";
  private static final String RECLAIM =
      "UPDATE COURIER_TASK_IDEMPOTENCY SET TASKID = ?, CLAIMEDAT = ? WHERE TASK_KEY = ?"
          + " AND TASKID = ?";

  /** How long a claim holds its key while its task is not stored. */
  public static final Duration PENDING = Duration.ofSeconds(15);

  @Inject
  @ConfigProperty(name = "courier.tasks.idempotency-window-seconds", defaultValue = "86400")
  long windowSeconds;

  /**
   * Gives the task its key unless another task holds it; answers that other task's id then, and the
   * caller must not store or send the new one.
   */
  public Optional<String> claim(Statements sql, Task task, Instant now) throws SQLException {
    if (task.key() == null) {
      return Optional.empty();
    }
    PreparedStatement held = sql.prepare(HELD);
    held.setString(1, task.key());
    String holder;
    Instant claimedAt;
    boolean holderExists;
    try (ResultSet row = held.executeQuery()) {
      if (!row.next()) {
        PreparedStatement insert = sql.prepare(INSERT);
        insert.setString(1, task.key());
        insert.setString(2, task.id());
        insert.setTimestamp(3, Timestamp.from(now));
        insert.executeUpdate();
        return Optional.empty();
      }
      holder = row.getString(1);
      claimedAt = row.getTimestamp(2).toInstant();
      holderExists = row.getString(3) != null;
    }
    Duration holds = holderExists ? Duration.ofSeconds(windowSeconds) : PENDING;
    if (claimedAt.plus(holds).isAfter(now)) {
      return Optional.of(holder);
    }
    // the window has passed, or the holder was never stored or was removed: the new task takes it
    PreparedStatement reclaim = sql.prepare(RECLAIM);
    reclaim.setString(1, task.id());
    reclaim.setTimestamp(2, Timestamp.from(now));
    reclaim.setString(3, task.key());
    reclaim.setString(4, holder);
    if (reclaim.executeUpdate() == 0) {
      throw new SQLException("the key '" + task.key() + "' was claimed meanwhile", "40001");
    }
    return Optional.empty();
  }

  /**
   * Whether the task still holds its key (true for a task without one). A task whose submission was
   * cut off may have lost its key to a later submission of the same key; it must not be stored or
   * run then. Locks the key's row until the caller's transaction ends.
   */
  public boolean confirm(Statements sql, Task task) throws SQLException {
    if (task.key() == null) {
      return true;
    }
    PreparedStatement confirm = sql.prepare(CONFIRM);
    confirm.setString(1, task.key());
    confirm.setString(2, task.id());
    return confirm.executeUpdate() == 1;
  }

  /** Gives up the task's claim of its key (its submission failed before its message was sent). */
  public void release(Statements sql, Task task) throws SQLException {
    if (task.key() != null) {
      PreparedStatement release = sql.prepare(RELEASE);
      release.setString(1, task.key());
      release.setString(2, task.id());
      release.executeUpdate();
    }
  }
}
