package dev.courier.broker.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * Courier's user store, read from MicroProfile Config: {@code courier.users=ada,bob} with {@code
 * courier.users.<name>.password} and {@code courier.users.<name>.roles} (admin, submitter,
 * subscriber), and Courier's own account {@code courier.broker.user} / {@code
 * courier.broker.password}, which its resource adapter uses (role {@value #COURIER_ROLE}). There
 * are no defaults (dependent scope: each holder reads the store once, in the container, so the
 * broker's threads use a plain object). The dev profile ({@code ./mvnw -Prun} and the tests) sets
 * its documented ones.
 */
@Dependent
public class Accounts {

  /** The role of Courier's own connections: everything on every address. */
  public static final String COURIER_ROLE = "courier";

  public static final Set<String> ROLES = Set.of("admin", "submitter", "subscriber");

  /** A user: its password and roles. */
  public record Account(String name, byte[] password, Set<String> roles) {}

  private final Map<String, Account> accounts = new TreeMap<>();

  @Inject Config config;

  @PostConstruct
  void load() {
    String internalUser =
        config.getOptionalValue("courier.broker.user", String.class).orElse("courier-broker");
    String internalPassword =
        config
            .getOptionalValue("courier.broker.password", String.class)
            .filter(p -> !p.isBlank())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "courier.broker.password (environment COURIER_BROKER_PASSWORD) is not set:"
                            + " Courier's resource adapter logs in to its broker with it; see"
                            + " README 'Security'"));
    add(internalUser, internalPassword, Set.of(COURIER_ROLE));
    Optional<String> users = config.getOptionalValue("courier.users", String.class);
    for (String name : users.map(u -> u.split(",")).orElse(new String[0])) {
      String user = name.trim();
      if (user.isEmpty()) {
        continue;
      }
      String password =
          config
              .getOptionalValue("courier.users." + user + ".password", String.class)
              .filter(p -> !p.isBlank())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "user '" + user + "' has no courier.users." + user + ".password"));
      Set<String> roles =
          Arrays.stream(
                  config
                      .getOptionalValue("courier.users." + user + ".roles", String.class)
                      .orElse("submitter")
                      .split(","))
              .map(String::trim)
              .filter(r -> !r.isEmpty())
              .collect(Collectors.toCollection(LinkedHashSet::new));
      for (String role : roles) {
        if (!ROLES.contains(role)) {
          throw new IllegalStateException(
              "user '" + user + "' has role '" + role + "'; the roles are " + ROLES);
        }
      }
      add(user, password, roles);
    }
  }

  private void add(String name, String password, Set<String> roles) {
    if (accounts.containsKey(name)) {
      throw new IllegalStateException("user '" + name + "' is configured twice");
    }
    accounts.put(name, new Account(name, password.getBytes(StandardCharsets.UTF_8), roles));
  }

  /** The account if the password is its own. */
  public Optional<Account> authenticate(String user, String password) {
    if (user == null || password == null) {
      return Optional.empty();
    }
    Account account = accounts.get(user);
    if (account == null
        || !MessageDigest.isEqual(account.password(), password.getBytes(StandardCharsets.UTF_8))) {
      return Optional.empty();
    }
    return Optional.of(account);
  }

  public Set<String> users() {
    return accounts.keySet();
  }
}
