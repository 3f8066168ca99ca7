package com.payrecon.security;

import java.time.Clock;
import java.util.List;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/** Console users from the database; a locked user is refused before the password is even checked. */
@Service
class ConsoleUserDetailsService implements UserDetailsService {

	private final ConsoleUserRepository users;
	private final Clock clock;

	ConsoleUserDetailsService(ConsoleUserRepository users, Clock clock) {
		this.users = users;
		this.clock = clock;
	}

	@Override
	public UserDetails loadUserByUsername(String login) {
		ConsoleUser user = users.findByLogin(login).orElseThrow(() -> new UsernameNotFoundException("no such user"));
		List<SimpleGrantedAuthority> authorities = user.roles()
			.stream()
			.map(role -> new SimpleGrantedAuthority(role.authority()))
			.toList();
		return new ConsoleUserDetails(user.id(), user.login(), user.passwordHash(), user.enabled(),
				!user.lockedAt(clock.instant()), user.mustChangePassword(), authorities);
	}
}
