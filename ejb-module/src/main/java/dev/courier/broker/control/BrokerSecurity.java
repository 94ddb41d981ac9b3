package dev.courier.broker.control;

import java.util.Optional;
import java.util.Set;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * The broker asks this who may connect (any acceptor: core, AMQP, STOMP) and what they may do:
 * users of {@link Accounts}, with the permissions broker.xml's security-settings give their roles.
 * No anonymous access.
 */
public class BrokerSecurity implements ActiveMQSecurityManager {

  private final Accounts accounts;

  public BrokerSecurity(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public boolean validateUser(String user, String password) {
    return accounts.authenticate(user, password).isPresent();
  }

  @Override
  public boolean validateUserAndRole(
      String user, String password, Set<Role> roles, CheckType checkType) {
    Optional<Accounts.Account> account = accounts.authenticate(user, password);
    if (account.isEmpty()) {
      return false;
    }
    for (Role role : roles) {
      if (checkType.hasRole(role) && account.get().roles().contains(role.getName())) {
        return true;
      }
    }
    return false;
  }
}
