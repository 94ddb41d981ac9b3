package dev.courier.broker.control;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Courier's own connection to its broker for the task path (the workers that run tasks and the
 * dispatcher that sends them), through the Artemis core client rather than the resource adapter: a
 * worker takes a batch of deliveries and acknowledges them in one broker transaction, which a
 * message-driven bean cannot (its adapter gives each delivery a transaction of its own). The
 * embedded broker is reached in-VM ({@code vm://0}), without TCP; {@code courier.broker.url} points
 * elsewhere. Logs in as Courier's own account.
 */
@ApplicationScoped
public class BrokerClient {

  @Inject
  @ConfigProperty(name = "courier.broker.url", defaultValue = "vm://0")
  String url;

  @Inject
  @ConfigProperty(name = "courier.broker.user", defaultValue = "courier-broker")
  String user;

  @Inject
  @ConfigProperty(name = "courier.broker.password")
  String password;

  private ServerLocator locator;
  private ClientSessionFactory factory;

  /**
   * A session whose sends and acknowledgements take effect at {@link ClientSession#commit()}, for
   * one thread.
   */
  public ClientSession transactedSession() throws ActiveMQException {
    return factory().createSession(user, password, false, false, false, false, 0);
  }

  private synchronized ClientSessionFactory factory() throws ActiveMQException {
    if (factory == null || factory.isClosed()) {
      try {
        if (locator == null) {
          locator = ActiveMQClient.createServerLocator(url);
          // a lost connection is reported to its session's owner, which opens a new one; retries
          // inside the client would hold up stopping once the embedded broker is gone
          locator.setReconnectAttempts(0);
          locator.setBlockOnDurableSend(true);
        }
        factory = locator.createSessionFactory();
      } catch (ActiveMQException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("cannot connect to the broker at " + url, e);
      }
    }
    return factory;
  }

  @PreDestroy
  synchronized void close() {
    if (factory != null) {
      factory.close();
    }
    if (locator != null) {
      locator.close();
    }
  }
}
