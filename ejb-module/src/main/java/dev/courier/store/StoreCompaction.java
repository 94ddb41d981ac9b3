package dev.courier.store;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Compacts the embedded H2 store while it runs. Courier opens H2 with {@code WRITE_DELAY=0}, so
 * that a commit is in the file before the broker's acknowledgement (see {@link StoreDataSource}),
 * and that switches off H2's background writer, the only place where H2 rewrites the chunks its
 * commits leave partly live (h2database/h2database#442): a soak of 60,000 tasks grew the file to
 * 1.8 GB and the heap by 11 MiB of chunk records. Every second this rewrites the live pages of the
 * emptiest chunks, a bounded amount at a time so that the commits it holds up wait only a few
 * milliseconds, and the space of the chunks it empties is reused at once ({@code
 * RETENTION_TIME=0}).
 *
 * <p>Each instance compacts the store it holds open itself; a store it reaches over the network
 * (H2's AUTO_SERVER from the instance that does not own the file, PostgreSQL) is its server's.
 */
@Singleton
public class StoreCompaction {

  private static final Logger LOG = Logger.getLogger(StoreCompaction.class.getName());

  /** Chunks below this fill rate (percent of their bytes still live) are rewritten. */
  static final int TARGET_FILL_RATE = 50;

  /** The most bytes one round rewrites, which bounds how long it holds commits up. */
  static final int WRITE_PER_ROUND = 1 << 20;

  @Schedule(second = "*", minute = "*", hour = "*", persistent = false)
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void compact() {
    try (Connection connection = StoreDataSource.direct()) {
      compact(connection);
    } catch (SQLException | RuntimeException e) {
      // the next round tries again; a round that does not run costs only file space
      LOG.log(Level.WARNING, "compacting the task store did not run", e);
    }
  }

  /**
   * One round on the embedded store this H2 connection is a session of; answers whether it rewrote
   * anything (false for any other connection).
   */
  static boolean compact(Connection connection) {
    MVStore store = embedded(connection);
    if (store == null) {
      return false;
    }
    boolean rewritten = store.compact(TARGET_FILL_RATE, WRITE_PER_ROUND);
    LOG.fine(
        () ->
            "task store: chunks "
                + store.getFileStore().getChunksFillRate()
                + "% live, file "
                + store.getFillRate()
                + "% used of "
                + (store.getFileStore().size() >> 20)
                + " MiB");
    return rewritten;
  }

  /** The open file store this connection is a session of, or null. */
  static MVStore embedded(Connection connection) {
    if (!(connection instanceof JdbcConnection h2)
        || !(h2.getSession() instanceof SessionLocal session)
        || session.getDatabase().getStore() == null) {
      return null;
    }
    MVStore store = session.getDatabase().getStore().getMvStore();
    return store.getFileStore() == null || store.isClosed() ? null : store;
  }
}
