package dev.courier.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCompactionTest {

  private static final int TASKS = 3_000;

  @TempDir Path dir;

  /**
   * The task path's pattern: each task inserted and then ended, each change in a commit of its own,
   * on a table with secondary indexes. Before compaction (and with H2's 45 s retention) each commit
   * left a chunk of about 28 KB in the file (3,000 tasks: 250 MB); with the space of empty chunks
   * reused at once but nothing rewritten, the chunks were 5% live (3,000 tasks: about 6 MB).
   */
  @Test
  void aStoreCommittedChangeByChangeKeepsItsFileCloseToItsData() throws Exception {
    var source = new StoreDataSource();
    source.setURL("jdbc:h2:" + dir.resolve("courier"));
    source.setUser("courier");
    source.setPassword("compaction-test");
    int rewrites = 0;
    try (Connection writer = source.getConnection();
        Connection maintenance = StoreDataSource.direct()) {
      try (Statement ddl = writer.createStatement()) {
        ddl.execute(
            "CREATE TABLE T(ID INT PRIMARY KEY, STATE VARCHAR(20), CREATEDAT TIMESTAMP,"
                + " FINISHEDAT TIMESTAMP, RESULT VARCHAR(200))");
        ddl.execute("CREATE INDEX T_STATE ON T(STATE)");
        ddl.execute("CREATE INDEX T_CREATED ON T(CREATEDAT)");
        ddl.execute("CREATE INDEX T_FINISHED ON T(FINISHEDAT)");
      }
      writer.setAutoCommit(false);
      try (PreparedStatement insert =
              writer.prepareStatement(
                  "INSERT INTO T(ID, STATE, CREATEDAT) VALUES (?, 'ENQUEUED', CURRENT_TIMESTAMP)");
          PreparedStatement end =
              writer.prepareStatement(
                  "UPDATE T SET STATE = 'SUCCEEDED', FINISHEDAT = CURRENT_TIMESTAMP, RESULT = ?"
                      + " WHERE ID = ?")) {
        for (int task = 0; task < TASKS; task++) {
          insert.setInt(1, task);
          insert.executeUpdate();
          writer.commit();
          end.setString(1, "{\"n\":" + task + "}");
          end.setInt(2, task);
          end.executeUpdate();
          writer.commit();
          if (task % 100 == 99 && StoreCompaction.compact(maintenance)) {
            rewrites++;
          }
        }
      }
      assertThat(Files.size(dir.resolve("courier.mv.db")))
          .as("the file after %d tasks, two commits each", TASKS)
          .isLessThan(2L << 20);
      assertThat(StoreCompaction.embedded(maintenance).getFileStore().getChunksFillRate())
          .as("percent of the chunks' bytes still live")
          .isGreaterThanOrEqualTo(StoreCompaction.TARGET_FILL_RATE - 10);
    }
    assertThat(rewrites).as("rounds that rewrote chunks").isPositive();
  }
}
