package dev.courier.problem;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sheds load instead of queueing it: at most {@code courier.http.max-submissions} submissions run
 * at once on this instance; one that cannot start within {@code courier.http.admission-wait-millis}
 * answers 503 with {@code Retry-After} at once, having stored and sent nothing, so that a client
 * under overload gets a prompt answer to retry on (with its idempotency key) rather than a queue of
 * seconds. The limit is per instance, as a thread pool's is: each instance sheds what it cannot
 * take.
 */
@Provider
@Admitted
@Priority(Priorities.USER)
public class Admission implements ContainerRequestFilter, ContainerResponseFilter {

  private static final String ADMITTED = Admission.class.getName();

  /**
   * The instance's permits, one object however many instances of this filter the JAX-RS runtime
   * makes (with the semaphore in the filter itself, permits were taken and never given back); the
   * request carries the semaphore it took from, so that the same one is released.
   */
  @jakarta.enterprise.context.ApplicationScoped
  public static class Permits {
    @Inject
    @ConfigProperty(name = "courier.http.max-submissions", defaultValue = "32")
    int max;

    @Inject
    @ConfigProperty(name = "courier.http.admission-wait-millis", defaultValue = "200")
    long waitMillis;

    private Semaphore permits;

    @PostConstruct
    void init() {
      permits = new Semaphore(Math.max(1, max));
    }

    /** The permits (a method: the bean is reached through its client proxy). */
    public Semaphore permits() {
      return permits;
    }

    public int max() {
      return max;
    }

    public long waitMillis() {
      return waitMillis;
    }
  }

  @Inject Permits instance;

  @Override
  public void filter(ContainerRequestContext request) {
    boolean admitted;
    try {
      admitted = instance.permits().tryAcquire(instance.waitMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      admitted = false;
    }
    if (!admitted) {
      throw new ServiceUnavailableException(
          "this instance is running "
              + instance.max()
              + " submissions and could not start this one within "
              + instance.waitMillis()
              + " ms (courier.http.max-submissions); nothing was submitted: try again after"
              + " Retry-After, with the same key",
          1L);
    }
    request.setProperty(ADMITTED, instance.permits());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(ADMITTED) instanceof Semaphore taken) {
      request.removeProperty(ADMITTED);
      taken.release();
    }
  }
}
