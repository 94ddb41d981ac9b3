package dev.courier.store;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Writes the task store's hot state changes (submissions, starts, ends) for every thread of this
 * instance in shared transactions: a writer thread takes all the units that are waiting, runs them
 * on one connection with prepared statements that it keeps, and commits once. A caller's future
 * completes only after that commit, so a consumer that waits for it acknowledges its message only
 * once its state change is durable. Units that arrive while a commit is under way form the next
 * group, so the more threads write, the more changes share a commit.
 *
 * <p>A unit must touch nothing but the database: if one unit of a group fails (a key taken by a
 * concurrent submission on another instance, say), the group is rolled back and each of its units
 * is run again in a transaction of its own, so that one failure costs only its own caller.
 */
@ApplicationScoped
public class GroupCommit {

  private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

  /** The most units one commit takes; more wait for the next. */
  private static final int MAX_GROUP = 1000;

  /** One piece of work on the store, run in a shared transaction. */
  @FunctionalInterface
  public interface Unit<T> {
    T apply(Statements sql) throws SQLException;
  }

  /** A connection's prepared statements, one per SQL text, kept for the connection's life. */
  public static final class Statements implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    Statements(Connection connection) {
      this.connection = connection;
    }

    public PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement statement = prepared.get(sql);
      if (statement == null) {
        statement = connection.prepareStatement(sql);
        prepared.put(sql, statement);
      }
      statement.clearParameters();
      return statement;
    }

    @Override
    public void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.log(Level.FINE, "closing the writer's connection", e);
      }
    }
  }

  private record Pending<T>(Unit<T> unit, CompletableFuture<T> done) {}

  @Resource(lookup = "java:app/jdbc/courier")
  DataSource store;

  @Resource ManagedThreadFactory threads;

  private final LinkedBlockingQueue<Pending<?>> waiting = new LinkedBlockingQueue<>();
  private volatile boolean stopping;
  private Thread writer;

  @PostConstruct
  void start() {
    writer = threads.newThread(this::write);
    writer.setName("courier-group-commit");
    writer.start();
  }

  @PreDestroy
  void stop() {
    stopping = true;
    writer.interrupt();
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Pending<?>> left = new ArrayList<>();
    waiting.drainTo(left);
    left.forEach(p -> p.done().completeExceptionally(new IllegalStateException("stopping")));
  }

  /**
   * A connection of its own for one thread's reads (they need no shared commit), with its prepared
   * statements; the caller closes it.
   */
  public Statements reader() throws SQLException {
    return new Statements(store.getConnection());
  }

  /** Queues a unit; the future completes once its transaction has committed. */
  public <T> CompletableFuture<T> submit(Unit<T> unit) {
    var done = new CompletableFuture<T>();
    if (stopping) {
      done.completeExceptionally(new IllegalStateException("Courier is stopping"));
      return done;
    }
    waiting.add(new Pending<>(unit, done));
    return done;
  }

  /** Runs a unit in the next shared transaction and waits until it has committed. */
  public <T> T run(Unit<T> unit) {
    return await(submit(unit));
  }

  /** Waits for a unit; its failure is rethrown as it was thrown (unchecked) or wrapped. */
  public static <T> T await(CompletableFuture<T> done) {
    try {
      return done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new StoreFailure(e.getCause());
    }
  }

  /** The store refused or failed a write. */
  public static final class StoreFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreFailure(Throwable cause) {
      super("the task store failed: " + cause, cause);
    }
  }

  private void write() {
    Statements sql = null;
    List<Pending<?>> group = new ArrayList<>();
    while (!stopping || !waiting.isEmpty()) {
      try {
        Pending<?> first = waiting.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        waiting.drainTo(group, MAX_GROUP - 1);
        if (sql == null) {
          sql = open();
        }
        if (!commitTogether(sql, group)) {
          sql = commitEach(sql, group);
        }
      } catch (InterruptedException e) {
        if (!stopping) {
          LOG.warning("the group-commit writer was interrupted; it goes on");
        }
      } catch (SQLException | RuntimeException e) {
        // no connection: every waiting caller learns it, and the writer tries again
        for (Pending<?> pending : group) {
          pending.done().completeExceptionally(e);
        }
        LOG.log(Level.WARNING, "the task store is unavailable", e);
        if (sql != null) {
          sql.close();
          sql = null;
        }
      } finally {
        group.clear();
      }
    }
    if (sql != null) {
      sql.close();
    }
  }

  private Statements open() throws SQLException {
    Connection connection = store.getConnection();
    connection.setAutoCommit(false);
    return new Statements(connection);
  }

  private boolean commitTogether(Statements sql, List<Pending<?>> group) throws SQLException {
    List<Object> results = new ArrayList<>(group.size());
    try {
      for (Pending<?> pending : group) {
        results.add(pending.unit().apply(sql));
      }
      sql.connection.commit();
    } catch (SQLException | RuntimeException e) {
      sql.connection.rollback();
      if (group.size() == 1) {
        group.get(0).done().completeExceptionally(e);
        return true;
      }
      return false;
    }
    for (int i = 0; i < group.size(); i++) {
      complete(group.get(i), results.get(i));
    }
    return true;
  }

  /** One unit failed the shared transaction: each runs alone, so only the failing one fails. */
  private Statements commitEach(Statements sql, List<Pending<?>> group) throws SQLException {
    for (Pending<?> pending : group) {
      try {
        Object result = pending.unit().apply(sql);
        sql.connection.commit();
        complete(pending, result);
      } catch (SQLException | RuntimeException e) {
        pending.done().completeExceptionally(e);
        sql.connection.rollback();
      }
    }
    return sql;
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(Pending<T> pending, Object result) {
    pending.done().complete((T) result);
  }
}
