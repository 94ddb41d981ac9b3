package dev.courier.store;

import java.io.PrintWriter;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.ConnectionPoolDataSource;
import javax.sql.DataSource;
import javax.sql.PooledConnection;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The task store's data source: H2's, which connects only once it has a password. The server hands
 * a data source the literal text {@code ${MPCONFIG=courier.db.password}} when that key has no value
 * (it only warns), and H2 would create the database with that well-known text as its password; this
 * one refuses every connection instead, so the deployment stops with the reason.
 */
public class StoreDataSource
    implements DataSource, XADataSource, ConnectionPoolDataSource, Serializable {

  private static final long serialVersionUID = 1L;

  static final String NO_PASSWORD =
      "courier.db.password (environment COURIER_DB_PASSWORD) is not set: Courier's task store has"
          + " no default password; see README 'Security'";

  private final JdbcDataSource h2 = new JdbcDataSource();
  private boolean hasPassword;

  /** The data source the server's pool connected through last, for {@link #direct()}. */
  private static volatile StoreDataSource inUse;

  /**
   * A connection of H2's own to the store the server's pool uses, outside the pool (whose wrappers
   * hide H2's classes), or null before the pool has connected. The caller closes it.
   */
  static Connection direct() throws SQLException {
    StoreDataSource source = inUse;
    return source == null ? null : source.h2().getConnection();
  }

  public void setURL(String url) {
    h2.setURL(durable(url));
  }

  public String getURL() {
    return h2.getURL();
  }

  public void setUrl(String url) {
    h2.setUrl(durable(url));
  }

  /**
   * H2 writes a commit to its file up to WRITE_DELAY (500 ms by default) later: a kill -9 in that
   * time loses transactions it had reported committed (measured: 46,000 of 573,000). Courier
   * acknowledges a message once its state change is committed, so commits must reach the file at
   * once (the file system keeps them across a crash of the process), unless the URL says otherwise.
   *
   * <p>Each such commit writes a chunk of its own (about 28 KB for a task's insert with its
   * indexes), and H2 keeps a chunk it no longer needs for RETENTION_TIME (45 s by default) before
   * it reuses the space: at 300 commits a second that alone is over a gigabyte of file. The space
   * can be reused at once (RETENTION_TIME=0) because Courier promises a commit across a crash of
   * the process, which the file system's cache already survives; H2 does not sync each commit to
   * the disk either way. {@link StoreCompaction} rewrites the chunks that stay partly live.
   */
  static String durable(String url) {
    if (url == null || !url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:mem:")) {
      return url;
    }
    String upper = url.toUpperCase(java.util.Locale.ROOT);
    String durable = url;
    if (!upper.contains(";WRITE_DELAY=")) {
      durable += ";WRITE_DELAY=0";
    }
    if (!upper.contains(";RETENTION_TIME=")) {
      durable += ";RETENTION_TIME=0";
    }
    return durable;
  }

  public String getUrl() {
    return h2.getUrl();
  }

  public void setUser(String user) {
    h2.setUser(user);
  }

  public String getUser() {
    return h2.getUser();
  }

  /** Takes the password unless it is blank or an unresolved {@code ${...}} expression. */
  public void setPassword(String password) {
    hasPassword = password != null && !password.isBlank() && !password.startsWith("${");
    h2.setPassword(hasPassword ? password : null);
  }

  public void setDescription(String description) {
    h2.setDescription(description);
  }

  public String getDescription() {
    return h2.getDescription();
  }

  private JdbcDataSource h2() throws SQLException {
    if (!hasPassword) {
      throw new SQLException(NO_PASSWORD, "28000");
    }
    return h2;
  }

  /** The pool connects through this data source: the one {@link #direct()} uses. */
  private JdbcDataSource pooled() throws SQLException {
    JdbcDataSource source = h2();
    inUse = this;
    return source;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return pooled().getConnection();
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return pooled().getConnection(user, password);
  }

  @Override
  public XAConnection getXAConnection() throws SQLException {
    return pooled().getXAConnection();
  }

  @Override
  public XAConnection getXAConnection(String user, String password) throws SQLException {
    return pooled().getXAConnection(user, password);
  }

  @Override
  public PooledConnection getPooledConnection() throws SQLException {
    return pooled().getPooledConnection();
  }

  @Override
  public PooledConnection getPooledConnection(String user, String password) throws SQLException {
    return pooled().getPooledConnection(user, password);
  }

  @Override
  public PrintWriter getLogWriter() {
    return h2.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    h2.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) {
    h2.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() {
    return h2.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    return h2().unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || h2.isWrapperFor(type);
  }
}
