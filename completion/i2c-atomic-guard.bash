# SPDX-License-Identifier: GPL-2.0-only
# bash completion for i2c-atomic-guard: commands, their verbs and options,
# file names where an option takes a file, the values of the enum options.

_i2c_atomic_guard()
{
	local cur prev words cword
	_init_completion || return

	local cmds="status policy audit enforce report ci shutdown-audit help version"
	local global="--json --verbose --version --help"
	local i cmd="" verb=""
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*)
			if [[ -z $cmd ]]; then cmd=${words[i]}
			elif [[ -z $verb ]]; then verb=${words[i]}
			fi ;;
		esac
	done

	case $prev in
	--policy | -p | --output | -o | --console)
		_filedir
		return ;;
	--sysfs-root | --root)
		_filedir -d
		return ;;
	--format)
		if [[ $cmd == ci ]]; then
			COMPREPLY=($(compgen -W "ktap junit" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "text json ktap junit dot" -- "$cur"))
		fi
		return ;;
	--mode | -m)
		COMPREPLY=($(compgen -W "auto tracepoint kprobe" -- "$cur"))
		return ;;
	--duration | -d | --stack-depth | --ringbuf-kb)
		return ;;
	esac

	local opts=""
	case $cmd in
	"")
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		fi
		return ;;
	status) opts="--json --help" ;;
	policy)
		if [[ -z $verb ]]; then
			COMPREPLY=($(compgen -W "check load unload show refresh" -- "$cur"))
			return
		fi
		case $verb in
		check) opts="--json --strict --sysfs-root --help" ;;
		load | refresh) opts="--insecure-policy --sysfs-root --help" ;;
		show) opts="--json --sysfs-root --help" ;;
		*) opts="--help" ;;
		esac
		if [[ $cur != -* && $verb =~ ^(check|load|refresh)$ ]]; then
			_filedir '@(yaml|yml)'
			return
		fi ;;
	audit) opts="--policy --duration --all --json --output --fail-on-violation --journal
		--mode --stack-depth --ringbuf-kb --no-aggregate --help" ;;
	enforce) opts="--policy --pin --unpin --duration --json --output --stack-depth
		--ringbuf-kb --no-aggregate --mode --insecure-policy --help" ;;
	report)
		opts="--policy --format --console --sysfs-root --no-sysfs --output --help"
		if [[ $cur != -* ]]; then
			_filedir
			return
		fi ;;
	ci)
		# After "--" comes the command to run under audit.
		for ((i = 1; i < cword; i++)); do
			if [[ ${words[i]} == -- ]]; then
				_command_offset $((i + 1))
				return
			fi
		done
		opts="--policy --format --output --mode --help --" ;;
	shutdown-audit)
		if [[ -z $verb ]]; then
			COMPREPLY=($(compgen -W "arm disarm status" -- "$cur"))
			return
		fi
		opts="--keep-loglevel --json --root --help" ;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
} &&
	complete -F _i2c_atomic_guard i2c-atomic-guard
