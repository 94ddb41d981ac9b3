package dev.courier.broker.boundary;

import dev.courier.broker.control.Accounts;
import dev.courier.broker.control.BrokerSecurity;
import dev.courier.broker.control.DurableTasks;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.management.AddressControl;
import org.apache.activemq.artemis.api.core.management.QueueControl;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Artemis broker inside the application: started with it from {@code courier/broker.xml}
 * (module artemis-config), journal under {@code courier.data.dir}, TCP acceptor on {@code
 * courier.broker.host:courier.broker.port} for the resource adapter and outside clients.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
// starting a broker must not be bound to a transaction timeout
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class EmbeddedBroker {

  private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class.getName());

  @Inject
  @ConfigProperty(name = "courier.data.dir", defaultValue = "./data")
  String dataDir;

  @Inject
  @ConfigProperty(name = "courier.broker.config", defaultValue = "courier/broker.xml")
  String brokerXml;

  @Inject
  @ConfigProperty(name = "courier.broker.host", defaultValue = "127.0.0.1")
  String host;

  @Inject
  @ConfigProperty(name = "courier.broker.port", defaultValue = "61616")
  int port;

  /** AMQP 1.0 clients (Qpid JMS, Python, .NET, JavaScript ...); 0 turns the acceptor off. */
  @Inject
  @ConfigProperty(name = "courier.broker.amqp-port", defaultValue = "5672")
  int amqpPort;

  /** STOMP 1.0 to 1.2 clients; 0 turns the acceptor off. */
  @Inject
  @ConfigProperty(name = "courier.broker.stomp-port", defaultValue = "61613")
  int stompPort;

  @Inject Accounts accounts;

  /** Artemis audits every send and receive at INFO; held here so the level is not collected. */
  private static final Logger AUDIT = Logger.getLogger("org.apache.activemq.audit");

  private EmbeddedActiveMQ broker;

  @PostConstruct
  void start() {
    AUDIT.setLevel(Level.WARNING);
    try {
      var configuration = new FileConfiguration();
      var deployment = new FileDeploymentManager(brokerXml);
      deployment.addDeployable(configuration);
      deployment.readConfiguration();

      Path dir = Path.of(dataDir, "broker").toAbsolutePath();
      configuration.setBrokerInstance(dir.toFile());
      configuration
          .setJournalDirectory(dir.resolve("journal").toString())
          .setBindingsDirectory(dir.resolve("bindings").toString())
          .setPagingDirectory(dir.resolve("paging").toString())
          .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
          .setNodeManagerLockDirectory(dir.toString());
      if (!"file".equals(configuration.getConfigurationUrl().getProtocol())) {
        // a broker.xml inside a jar cannot change; Artemis reloads only files
        configuration.setConfigurationFileRefreshPeriod(-1);
      }
      configuration.getAcceptorConfigurations().clear();
      // Courier's own task workers and dispatcher, in this JVM (BrokerClient)
      configuration.addAcceptorConfiguration("invm", "vm://0");
      configuration.addAcceptorConfiguration(
          "courier", "tcp://" + host + ":" + port + "?protocols=CORE");
      if (amqpPort > 0) {
        configuration.addAcceptorConfiguration(
            "amqp", "tcp://" + host + ":" + amqpPort + "?protocols=AMQP");
      }
      if (stompPort > 0) {
        configuration.addAcceptorConfiguration(
            "stomp", "tcp://" + host + ":" + stompPort + "?protocols=STOMP");
      }

      configuration.registerBrokerPlugin(new DurableTasks());
      broker = new EmbeddedActiveMQ();
      broker.setConfiguration(configuration);
      broker.setSecurityManager(new BrokerSecurity(accounts));
      broker.start();
      LOG.info(
          () ->
              "Courier broker is up: core tcp://"
                  + host
                  + ":"
                  + port
                  + (amqpPort > 0 ? ", AMQP amqp://" + host + ":" + amqpPort : "")
                  + (stompPort > 0 ? ", STOMP stomp://" + host + ":" + stompPort : "")
                  + ", journal in "
                  + dir);
    } catch (Exception e) {
      throw new IllegalStateException("the embedded Artemis broker did not start", e);
    }
  }

  @PreDestroy
  void stop() {
    try {
      broker.stop();
      LOG.info("Courier broker stopped");
    } catch (Exception e) {
      throw new IllegalStateException("the embedded Artemis broker did not stop cleanly", e);
    }
  }

  public boolean isActive() {
    return broker != null && broker.getActiveMQServer().isActive();
  }

  /** The broker's management view of a queue; empty if there is no such queue. */
  public Optional<QueueControl> queue(String name) {
    return Optional.ofNullable(
        (QueueControl)
            broker
                .getActiveMQServer()
                .getManagementService()
                .getResource(ResourceNames.QUEUE + name));
  }

  /** The broker's management view of an address; empty if there is no such address. */
  public Optional<AddressControl> address(String name) {
    return Optional.ofNullable(
        (AddressControl)
            broker
                .getActiveMQServer()
                .getManagementService()
                .getResource(ResourceNames.ADDRESS + name));
  }

  /** The names of the broker's addresses. */
  public java.util.List<String> addressNames() {
    return java.util.List.of(
        broker.getActiveMQServer().getActiveMQServerControl().getAddressNames());
  }

  /** Bytes of messages the broker holds in memory over all addresses. */
  public long addressMemoryUsage() {
    return isActive() ? broker.getActiveMQServer().getPagingManager().getGlobalSize() : 0;
  }

  /** The share (0 to 1) of the journal's disk that is used. */
  public double diskStoreUsage() {
    return isActive()
        ? broker.getActiveMQServer().getActiveMQServerControl().getDiskStoreUsage()
        : 0;
  }

  public long connectionCount() {
    return isActive() ? broker.getActiveMQServer().getConnectionCount() : 0;
  }

  /**
   * Whether a user with these roles may send to the address, by the broker's own security-settings
   * (broker.xml): the rule the API follows when it sends on a user's behalf.
   */
  public boolean maySend(java.util.Set<String> roles, String address) {
    return broker.getActiveMQServer().getSecurityRepository().getMatch(address).stream()
        .anyMatch(role -> role.isSend() && roles.contains(role.getName()));
  }

  /** How often the broker delivers a message from this address before it dead-letters it. */
  public int maxDeliveryAttempts(String address) {
    return broker
        .getActiveMQServer()
        .getAddressSettingsRepository()
        .getMatch(address)
        .getMaxDeliveryAttempts();
  }
}
