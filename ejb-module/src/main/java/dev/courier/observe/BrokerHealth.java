package dev.courier.observe;

import dev.courier.broker.boundary.EmbeddedBroker;
import dev.courier.queue.control.TaskQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The embedded broker is up and has every task queue (at {@code /health/live} and {@code
 * /health/ready}).
 */
@Liveness
@Readiness
@ApplicationScoped
public class BrokerHealth implements HealthCheck {

  @Inject EmbeddedBroker broker;
  @Inject TaskQueues queues;

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("courier-broker");
    if (!broker.isActive()) {
      return response
          .down()
          .withData("reason", "the embedded Artemis broker is not active")
          .build();
    }
    for (String queue : queues.names()) {
      if (broker.queue(TaskQueues.address(queue)).isEmpty()) {
        return response.down().withData("missing", TaskQueues.address(queue)).build();
      }
    }
    return response.up().withData("queues", String.join(",", queues.names())).build();
  }
}
