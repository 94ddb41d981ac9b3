package dev.courier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StoreDataSourceTest {

  private static StoreDataSource store(String password) {
    var store = new StoreDataSource();
    store.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=0");
    store.setUser("courier");
    store.setPassword(password);
    return store;
  }

  @Test
  void connectsWithAPassword() throws SQLException {
    var xa = store("s3cret").getXAConnection();
    try (var connection = xa.getConnection();
        var result = connection.createStatement().executeQuery("select 1")) {
      assertThat(result.next()).isTrue();
    } finally {
      xa.close();
    }
  }

  @Test
  void refusesEveryConnectionWithoutOne() {
    // what the server passes when courier.db.password has no value, and nothing at all
    for (String missing : new String[] {"${MPCONFIG=courier.db.password}", "", " ", null}) {
      var store = store(missing);
      assertThatThrownBy(store::getConnection)
          .as("password %s", missing)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("courier.db.password");
      assertThatThrownBy(store::getXAConnection).isInstanceOf(SQLException.class);
      assertThatThrownBy(store::getPooledConnection).isInstanceOf(SQLException.class);
    }
  }

  @Test
  void aFileDatabaseWritesEachCommitAtOnce() {
    assertThat(StoreDataSource.durable("jdbc:h2:./data/db/courier"))
        .isEqualTo("jdbc:h2:./data/db/courier;WRITE_DELAY=0;RETENTION_TIME=0");
  }

  @Test
  void aWriteDelayOrRetentionTheUrlGivesIsKept() {
    assertThat(StoreDataSource.durable("jdbc:h2:./db;write_delay=100"))
        .isEqualTo("jdbc:h2:./db;write_delay=100;RETENTION_TIME=0");
    assertThat(StoreDataSource.durable("jdbc:h2:./db;retention_time=45000"))
        .isEqualTo("jdbc:h2:./db;retention_time=45000;WRITE_DELAY=0");
    assertThat(StoreDataSource.durable("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
  }
}
