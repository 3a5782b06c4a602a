# The off-site SFTP host of the deployment test (tests/deploy): OpenSSH with key-only login for
# user `ecar` (no password, yet not a locked account: sshd refuses those), chrooted into a
# root-owned home with a writable `ecar-backups` (the backup service's SFTP_REMOTE_DIR default).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server \
 && rm -rf /var/lib/apt/lists/* /etc/ssh/ssh_host_* \
 && useradd --uid 2000 --create-home --shell /usr/sbin/nologin ecar \
 && usermod --password '*' ecar \
 && install -d -o root -g root -m 755 /srv/sftp/ecar \
 && install -d -o ecar -g ecar -m 755 /srv/sftp/ecar/ecar-backups \
 && install -d -m 755 /run/sshd
COPY sftp-sshd.conf /etc/ssh/sshd_config
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D", "-e"]
