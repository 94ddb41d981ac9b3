package dev.courier.security;

import dev.courier.broker.control.Accounts;
import dev.courier.broker.control.Accounts.Account;
import dev.courier.problem.Problem;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every call of the API logs in (HTTP Basic) as a user of Courier's user store, the one the broker
 * uses. {@code admin} may do everything; {@code submitter} may submit tasks, read the tasks it
 * submitted and publish to the topics the broker's security-settings let its roles send to ({@code
 * Topics.publish} asks the broker). No credentials or wrong ones: 401; a role that may not: 403;
 * both with a problem body.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class ApiAccess implements ContainerRequestFilter {

  static final String ADMIN = "admin";
  static final String SUBMITTER = "submitter";

  /** What a submitter may call; everything else needs admin. */
  private static final List<Rule> SUBMITTER_RULES =
      List.of(
          new Rule("POST", Pattern.compile("tasks/?")),
          new Rule("GET", Pattern.compile("tasks/?")),
          new Rule("GET", Pattern.compile("tasks/(?!(stats|summary)/?$)[^/]+/?")),
          new Rule("POST", Pattern.compile("topics/[^/]+/messages/?")));

  private record Rule(String method, Pattern path) {
    boolean matches(String method, String path) {
      return this.method.equals(method) && this.path.matcher(path).matches();
    }
  }

  @Inject Accounts accounts;

  @Override
  public void filter(ContainerRequestContext request) {
    Optional<Account> account = credentials(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (account.isEmpty()) {
      request.abortWith(
          Response401.with(
              Problem.of(
                      "unauthorized",
                      "Unauthorized",
                      Status.UNAUTHORIZED,
                      "the API wants a user and password (HTTP Basic) of Courier's user store")
                  .toResponse()));
      return;
    }
    Account user = account.get();
    boolean secure =
        request.getSecurityContext() != null && request.getSecurityContext().isSecure();
    request.setSecurityContext(new AccountContext(user, secure));
    String path = request.getUriInfo().getPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (!permitted(user, request.getMethod(), path)) {
      request.abortWith(
          Problem.of(
                  "forbidden",
                  "Forbidden",
                  Status.FORBIDDEN,
                  "user '"
                      + user.name()
                      + "' (roles "
                      + user.roles()
                      + ") may not "
                      + request.getMethod()
                      + " /api/"
                      + path
                      + "; that takes the role admin")
              .toResponse());
    }
  }

  static boolean permitted(Account user, String method, String path) {
    if (user.roles().contains(ADMIN)) {
      return true;
    }
    return user.roles().contains(SUBMITTER)
        && SUBMITTER_RULES.stream().anyMatch(rule -> rule.matches(method, path));
  }

  private Optional<Account> credentials(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    return accounts
        .authenticate(decoded.substring(0, colon), decoded.substring(colon + 1))
        // Courier's own broker account is not a user of the API
        .filter(a -> !a.roles().contains(Accounts.COURIER_ROLE));
  }

  /** Adds the challenge a client needs to know how to log in. */
  private static final class Response401 {
    static jakarta.ws.rs.core.Response with(jakarta.ws.rs.core.Response problem) {
      return jakarta.ws.rs.core.Response.fromResponse(problem)
          .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"courier\", charset=\"UTF-8\"")
          .build();
    }
  }

  private record AccountContext(Account account, boolean secure) implements SecurityContext {
    @Override
    public Principal getUserPrincipal() {
      return account::name;
    }

    @Override
    public boolean isUserInRole(String role) {
      return account.roles().contains(role);
    }

    @Override
    public boolean isSecure() {
      return secure;
    }

    @Override
    public String getAuthenticationScheme() {
      return SecurityContext.BASIC_AUTH;
    }
  }
}
