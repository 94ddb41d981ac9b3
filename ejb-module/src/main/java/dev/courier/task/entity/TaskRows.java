package dev.courier.task.entity;

import dev.courier.store.GroupCommit.Statements;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The task table through plain JDBC, for the hot path (submissions, starts and ends of attempts),
 * beside JPA's mapping of the same {@link Task} for everything else. The rules stay in {@link
 * Task}: a row is read into a task, the task's own methods change it, and the change is written
 * back only if nobody changed the row meanwhile (its version).
 */
public final class TaskRows {

  private static final String INSERT =
      "INSERT INTO COURIER_TASK (ID, TASK_KEY, TYPE, PAYLOAD, STATE, PRIORITY, ATTEMPTS,"
          + " QUEUE_NAME, TIMEOUTSECONDS, OWNER, GROUPKEY, CANCELREQUESTED, MESSAGE_ID, CREATEDAT,"
          + " RUNAT, STARTEDAT, RUNNER, VERSION, FINISHEDAT, ERROR, RESULT, PROGRESSPERCENT,"
          + " PROGRESSMESSAGE, PROGRESSAT) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?, ?, ?, ?, ?, ?)";

  /** What an attempt's step needs of a row: no payload, no result. */
  private static final String ATTEMPT_COLUMNS =
      "ID, TYPE, STATE, ATTEMPTS, CANCELREQUESTED, RUNNER, VERSION, STARTEDAT, FINISHEDAT,"
          + " QUEUE_NAME, TIMEOUTSECONDS, GROUPKEY, PRIORITY, TASK_KEY, CREATEDAT, RUNAT, ERROR,"
          + " MESSAGE_ID, PROGRESSPERCENT, PROGRESSMESSAGE, PROGRESSAT";

  private static final String BY_ID =
      "SELECT " + ATTEMPT_COLUMNS + " FROM COURIER_TASK WHERE ID = ?";
  private static final String BY_IDS =
      "SELECT " + ATTEMPT_COLUMNS + " FROM COURIER_TASK WHERE ID = ANY(?)";
  private static final String BY_MESSAGE =
      "SELECT " + ATTEMPT_COLUMNS + " FROM COURIER_TASK WHERE MESSAGE_ID = ?";

  private static final String PAYLOAD = "SELECT PAYLOAD FROM COURIER_TASK WHERE ID = ?";

  private static final String SAVE_ATTEMPT =
      "UPDATE COURIER_TASK SET STATE = ?, ATTEMPTS = ?, STARTEDAT = ?, FINISHEDAT = ?,"
          + " CANCELREQUESTED = ?, RUNNER = ?, ERROR = ?, PROGRESSPERCENT = ?, PROGRESSMESSAGE = ?,"
          + " PROGRESSAT = ?, VERSION = ? WHERE ID = ? AND VERSION = ?";

  private static final String SUCCEED =
      "UPDATE COURIER_TASK SET STATE = 'SUCCEEDED', RESULT = ?, ERROR = NULL, FINISHEDAT = ?,"
          + " VERSION = VERSION + 1 WHERE ID = ? AND RUNNER = ? AND STATE IN "
          + sources(TaskState.SUCCEEDED);

  /** A start and its end in one: the attempt ended before its start was recorded. */
  private static final String SUCCEED_UNRECORDED =
      "UPDATE COURIER_TASK SET STATE = 'SUCCEEDED', ATTEMPTS = ATTEMPTS + 1, STARTEDAT = ?,"
          + " FINISHEDAT = ?, RESULT = ?, ERROR = NULL, RUNNER = ?, PROGRESSPERCENT = NULL,"
          + " PROGRESSMESSAGE = NULL, PROGRESSAT = NULL, VERSION = VERSION + 1 WHERE ID = ? AND"
          + " STATE IN "
          + sources(TaskState.PROCESSING);

  private static final String RECORD_START =
      "UPDATE COURIER_TASK SET STATE = 'PROCESSING', ATTEMPTS = ATTEMPTS + 1, STARTEDAT = ?,"
          + " RUNNER = ?, PROGRESSPERCENT = NULL, PROGRESSMESSAGE = NULL, PROGRESSAT = NULL,"
          + " VERSION = VERSION + 1 WHERE ID = ? AND CANCELREQUESTED = FALSE AND STATE IN "
          + sources(TaskState.PROCESSING);

  private static final String EXISTS = "SELECT 1 FROM COURIER_TASK WHERE ID = ?";

  private static final String PROGRESS =
      "UPDATE COURIER_TASK SET PROGRESSPERCENT = ?, PROGRESSMESSAGE = ?, PROGRESSAT = ?,"
          + " VERSION = VERSION + 1 WHERE ID = ? AND STATE = 'PROCESSING'";

  private static final String INSERT_FAILURE =
      "INSERT INTO COURIER_TASK_FAILURE (ID, TASK_ID, ATTEMPT, STARTEDAT, FAILEDAT, OUTCOME, ERROR)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";

  private TaskRows() {}

  /** Stores a new task (its payload and all), in whatever state it is. */
  public static void insert(Statements sql, Task task) throws SQLException {
    PreparedStatement insert = sql.prepare(INSERT);
    insert.setString(1, task.id);
    insert.setString(2, task.key);
    insert.setString(3, task.type);
    insert.setString(4, task.payload);
    insert.setString(5, task.state.name());
    insert.setInt(6, task.priority);
    insert.setInt(7, task.attempts);
    insert.setString(8, task.queue);
    setInteger(insert, 9, task.timeoutSeconds);
    insert.setString(10, task.owner);
    insert.setString(11, task.groupKey);
    insert.setBoolean(12, task.cancelRequested);
    insert.setString(13, task.messageId);
    setInstant(insert, 14, task.createdAt);
    setInstant(insert, 15, task.runAt);
    setInstant(insert, 16, task.startedAt);
    insert.setString(17, task.runner);
    task.version = 1;
    insert.setLong(18, task.version);
    setInstant(insert, 19, task.finishedAt);
    insert.setString(20, task.error);
    insert.setString(21, task.result);
    setInteger(insert, 22, task.progressPercent);
    insert.setString(23, task.progressMessage);
    setInstant(insert, 24, task.progressAt);
    insert.executeUpdate();
  }

  /** The task as far as an attempt needs it (without payload and result); empty if none. */
  public static Optional<Task> find(Statements sql, String id) throws SQLException {
    return read(sql.prepare(BY_ID), id);
  }

  /**
   * The tasks of these ids that have rows, as {@link #find} reads them, in one query (a worker's
   * batch of deliveries reads its rows together).
   */
  public static Map<String, Task> findAll(Statements sql, Collection<String> ids)
      throws SQLException {
    Map<String, Task> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    PreparedStatement query = sql.prepare(BY_IDS);
    query.setObject(1, ids.toArray(new String[0]));
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        Task task = task(rows);
        found.put(task.id, task);
      }
    }
    return found;
  }

  /** The whole task, to send its message again (the outbox); empty if none. */
  public static Optional<Task> findWithPayload(Statements sql, String id) throws SQLException {
    Optional<Task> task = find(sql, id);
    if (task.isPresent()) {
      PreparedStatement query = sql.prepare(PAYLOAD);
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        if (row.next()) {
          task.get().payload = row.getString(1);
        }
      }
    }
    return task;
  }

  /** The task a client submitted with this JMS message, if it was stored. */
  public static Optional<Task> byMessage(Statements sql, String messageId) throws SQLException {
    return read(sql.prepare(BY_MESSAGE), messageId);
  }

  private static Optional<Task> read(PreparedStatement query, String value) throws SQLException {
    query.setString(1, value);
    try (ResultSet row = query.executeQuery()) {
      return row.next() ? Optional.of(task(row)) : Optional.empty();
    }
  }

  /** The task in the result's current row, of {@link #ATTEMPT_COLUMNS}. */
  private static Task task(ResultSet row) throws SQLException {
    var task = new Task();
    task.id = row.getString(1);
    task.type = row.getString(2);
    task.state = TaskState.valueOf(row.getString(3));
    task.attempts = row.getInt(4);
    task.cancelRequested = row.getBoolean(5);
    task.runner = row.getString(6);
    task.version = row.getLong(7);
    task.startedAt = instant(row, 8);
    task.finishedAt = instant(row, 9);
    task.queue = row.getString(10);
    int timeout = row.getInt(11);
    task.timeoutSeconds = row.wasNull() ? null : timeout;
    task.groupKey = row.getString(12);
    task.priority = row.getInt(13);
    task.key = row.getString(14);
    task.createdAt = instant(row, 15);
    task.runAt = instant(row, 16);
    task.error = row.getString(17);
    task.messageId = row.getString(18);
    int percent = row.getInt(19);
    task.progressPercent = row.wasNull() ? null : percent;
    task.progressMessage = row.getString(20);
    task.progressAt = instant(row, 21);
    return task;
  }

  /**
   * Writes what {@link Task#startAttempt}, {@link Task#retry}, {@link Task#fail} or {@link
   * Task#cancelled} changed on a task read by {@link #find}; false if the row changed meanwhile
   * (read it again and decide again).
   */
  public static boolean saveAttempt(Statements sql, Task task) throws SQLException {
    PreparedStatement update = sql.prepare(SAVE_ATTEMPT);
    update.setString(1, task.state.name());
    update.setInt(2, task.attempts);
    setInstant(update, 3, task.startedAt);
    setInstant(update, 4, task.finishedAt);
    update.setBoolean(5, task.cancelRequested);
    update.setString(6, task.runner);
    update.setString(7, task.error);
    setInteger(update, 8, task.progressPercent);
    update.setString(9, task.progressMessage);
    setInstant(update, 10, task.progressAt);
    update.setLong(11, task.version + 1);
    update.setString(12, task.id);
    update.setLong(13, task.version);
    if (update.executeUpdate() == 0) {
      return false;
    }
    task.version++;
    return true;
  }

  /**
   * Ends the attempt that {@code runner} started with success: a single conditional update, as
   * nothing about the row needs deciding first. False if the task is no longer that attempt's.
   */
  public static boolean succeed(
      Statements sql, String id, String runner, String resultJson, Instant now)
      throws SQLException {
    PreparedStatement update = sql.prepare(SUCCEED);
    update.setString(1, resultJson);
    setInstant(update, 2, now);
    update.setString(3, id);
    update.setString(4, runner);
    return update.executeUpdate() == 1;
  }

  /**
   * Ends with success an attempt whose start was never recorded (it ran shorter than the start
   * record's delay): the start and the end in one update. False if the task was not waiting for an
   * attempt (finished meanwhile, or not stored).
   */
  public static boolean succeedUnrecorded(
      Statements sql, String id, String runner, Instant startedAt, String resultJson, Instant now)
      throws SQLException {
    PreparedStatement update = sql.prepare(SUCCEED_UNRECORDED);
    setInstant(update, 1, startedAt);
    setInstant(update, 2, now);
    update.setString(3, resultJson);
    update.setString(4, runner);
    update.setString(5, id);
    return update.executeUpdate() == 1;
  }

  /** Records that an attempt runs (PROCESSING); false if the task may not start now. */
  public static boolean recordStart(Statements sql, String id, String runner, Instant startedAt)
      throws SQLException {
    PreparedStatement update = sql.prepare(RECORD_START);
    setInstant(update, 1, startedAt);
    update.setString(2, runner);
    update.setString(3, id);
    return update.executeUpdate() == 1;
  }

  public static boolean exists(Statements sql, String id) throws SQLException {
    PreparedStatement query = sql.prepare(EXISTS);
    query.setString(1, id);
    try (ResultSet row = query.executeQuery()) {
      return row.next();
    }
  }

  /** A running task's progress report. */
  public static void progress(Statements sql, String id, int percent, String message, Instant now)
      throws SQLException {
    PreparedStatement update = sql.prepare(PROGRESS);
    update.setInt(1, percent);
    update.setString(
        2, message == null || message.length() <= 500 ? message : message.substring(0, 500));
    setInstant(update, 3, now);
    update.setString(4, id);
    update.executeUpdate();
  }

  /** Keeps the attempt {@code task} has just failed ({@link Task#fail} applied). */
  public static void insertFailure(Statements sql, Task task, String reason, Instant now)
      throws SQLException {
    PreparedStatement insert = sql.prepare(INSERT_FAILURE);
    insert.setString(1, UUID.randomUUID().toString());
    insert.setString(2, task.id);
    insert.setInt(3, task.attempts);
    setInstant(insert, 4, task.startedAt);
    setInstant(insert, 5, now);
    insert.setString(6, task.state.name());
    insert.setString(7, Task.truncate(reason));
    insert.executeUpdate();
  }

  /** The states from which a task may move to {@code target}, as an SQL list. */
  static String sources(TaskState target) {
    return java.util.Arrays.stream(TaskState.values())
        .filter(state -> state.canMoveTo(target))
        .map(state -> "'" + state.name() + "'")
        .collect(Collectors.joining(", ", "(", ")"));
  }

  private static void setInstant(PreparedStatement statement, int index, Instant instant)
      throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.TIMESTAMP);
    } else {
      statement.setTimestamp(index, Timestamp.from(instant));
    }
  }

  private static void setInteger(PreparedStatement statement, int index, Integer value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.INTEGER);
    } else {
      statement.setInt(index, value);
    }
  }

  private static Instant instant(ResultSet row, int index) throws SQLException {
    Timestamp timestamp = row.getTimestamp(index);
    return timestamp == null ? null : timestamp.toInstant();
  }
}
