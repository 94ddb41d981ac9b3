package dev.courier.console;

import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Courier's application runs in this JVM (at {@code /health/ready}). The console is deployed by a
 * post-boot command, beside Courier and whether or not Courier deployed, so this check is there
 * when Courier's own checks are not: without it, a server whose Courier failed to deploy would
 * answer an empty UP. Courier marks itself running with an MBean ({@code
 * dev.courier:type=Application}); when it is not, the answer names the settings that are missing.
 */
@Readiness
@ApplicationScoped
public class CourierReadiness implements HealthCheck {

  /** Settings Courier cannot deploy without (no defaults outside the dev profile). */
  static final List<String> REQUIRED = List.of("courier.broker.password", "courier.db.password");

  private static final ObjectName RUNNING = name("dev.courier:type=Application");

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("courier-application");
    if (ManagementFactory.getPlatformMBeanServer().isRegistered(RUNNING)) {
      return response.up().build();
    }
    var config = ConfigProvider.getConfig();
    List<String> missing =
        REQUIRED.stream()
            .filter(key -> config.getOptionalValue(key, String.class).isEmpty())
            .toList();
    response
        .down()
        .withData(
            "reason",
            "Courier's application is not running in this server: it did not deploy, or it is"
                + " stopping (the server log says why)");
    if (!missing.isEmpty()) {
      response.withData(
          "missing",
          String.join(", ", missing)
              + " not set (a system property, or an environment variable such as"
              + " COURIER_DB_PASSWORD)");
    }
    return response.build();
  }

  private static ObjectName name(String name) {
    try {
      return new ObjectName(name);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }
}
