package dev.courier.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Logs console users in against Courier's user store: {@code courier.users}, {@code
 * courier.users.<name>.password} and {@code .roles} from MicroProfile Config (system properties or
 * environment, the same values Courier reads). Only users with role admin get the console role.
 */
public class CourierLoginModule implements LoginModule {

  private Subject subject;
  private javax.security.auth.callback.CallbackHandler handler;
  private final List<Principal> principals = new ArrayList<>();

  @Override
  public void initialize(
      Subject subject,
      javax.security.auth.callback.CallbackHandler handler,
      Map<String, ?> sharedState,
      Map<String, ?> options) {
    this.subject = subject;
    this.handler = handler;
  }

  @Override
  public boolean login() throws LoginException {
    NameCallback name = new NameCallback("user");
    PasswordCallback password = new PasswordCallback("password", false);
    try {
      handler.handle(new Callback[] {name, password});
    } catch (IOException | UnsupportedCallbackException e) {
      throw new LoginException("no credentials: " + e);
    }
    String user = name.getName();
    char[] given = password.getPassword();
    if (user == null || given == null) {
      throw new FailedLoginException("no user or password");
    }
    Config config = ConfigProvider.getConfig(CourierLoginModule.class.getClassLoader());
    boolean known =
        config
            .getOptionalValue("courier.users", String.class)
            .map(users -> Arrays.stream(users.split(",")).map(String::trim).anyMatch(user::equals))
            .orElse(false);
    Optional<String> expected =
        known
            ? config.getOptionalValue("courier.users." + user + ".password", String.class)
            : Optional.empty();
    if (expected.isEmpty()
        || !MessageDigest.isEqual(
            expected.get().getBytes(StandardCharsets.UTF_8),
            new String(given).getBytes(StandardCharsets.UTF_8))) {
      throw new FailedLoginException("wrong user or password");
    }
    principals.add(() -> user);
    for (String role :
        config
            .getOptionalValue("courier.users." + user + ".roles", String.class)
            .orElse("submitter")
            .split(",")) {
      principals.add(new Role(role.trim()));
    }
    return true;
  }

  /** A role of the logged-in user; the console knows it by hawtio.rolePrincipalClasses. */
  public record Role(String getName) implements Principal {}

  @Override
  public boolean commit() {
    subject.getPrincipals().addAll(principals);
    return true;
  }

  @Override
  public boolean abort() {
    principals.clear();
    return true;
  }

  @Override
  public boolean logout() {
    subject.getPrincipals().removeAll(principals);
    principals.clear();
    return true;
  }
}
