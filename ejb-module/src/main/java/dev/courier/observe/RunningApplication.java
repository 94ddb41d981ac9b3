package dev.courier.observe;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Marks the JVM as running Courier's application for as long as it runs: an MBean in the JVM's
 * MBean server, which outlives a failed deployment. The console's readiness check reads it, so that
 * a server whose Courier did not deploy (a password not set, say) reports DOWN rather than an empty
 * UP.
 */
@Startup
@Singleton
public class RunningApplication {

  /** The MBean's name; the console's readiness check looks for it. */
  public static final String NAME = "dev.courier:type=Application";

  /** What the MBean shows. */
  public interface Status {
    String getStartedAt();
  }

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private ObjectName name;

  @PostConstruct
  void register() {
    String startedAt = Instant.now().toString();
    try {
      name = new ObjectName(NAME);
      if (server.isRegistered(name)) {
        server.unregisterMBean(name); // left by a deployment that ended without its PreDestroy
      }
      server.registerMBean(new StandardMBean(() -> startedAt, Status.class), name);
    } catch (JMException e) {
      throw new IllegalStateException("cannot register " + NAME, e);
    }
  }

  @PreDestroy
  void unregister() {
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (JMException e) {
      throw new IllegalStateException("cannot unregister " + NAME, e);
    }
  }
}
