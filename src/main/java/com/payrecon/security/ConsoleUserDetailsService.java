package com.payrecon.security;

import java.time.Clock;
import java.util.List;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsPasswordService;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/**
 * Console users from the database. A one-time password past its 24 hours counts as expired credentials (refused
 * after the password was checked, so only its holder learns it). Hashes of an older form are re-hashed at login.
 */
@Service
class ConsoleUserDetailsService implements UserDetailsService, UserDetailsPasswordService {

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
				!user.lockedAt(clock.instant()), user.mustChangePassword(), !user.oneTimePasswordExpiredAt(clock.instant()),
				authorities);
	}

	@Override
	public UserDetails updatePassword(UserDetails user, String newPassword) {
		users.updateHash(user.getUsername(), newPassword);
		return loadUserByUsername(user.getUsername());
	}
}
