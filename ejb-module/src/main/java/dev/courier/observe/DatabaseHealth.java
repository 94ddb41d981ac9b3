package dev.courier.observe;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The task store answers (at {@code /health/ready}). */
@Readiness
@ApplicationScoped
public class DatabaseHealth implements HealthCheck {

  @Resource(lookup = "java:app/jdbc/courier")
  DataSource store;

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("courier-database");
    try (Connection connection = store.getConnection()) {
      return connection.isValid(2)
          ? response.up().build()
          : response.down().withData("reason", "the connection is not valid").build();
    } catch (SQLException e) {
      return response.down().withData("reason", String.valueOf(e.getMessage())).build();
    }
  }
}
