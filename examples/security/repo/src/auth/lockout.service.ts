import { Injectable } from '@nestjs/common';

const MAX_FAILURES = 5;

@Injectable()
export class LockoutService {
  private readonly failures = new Map<string, number>();

  async recordFailure(username: string): Promise<void> {
    this.failures.set(username, (this.failures.get(username) ?? 0) + 1);
  }

  async isLocked(username: string): Promise<boolean> {
    return (this.failures.get(username) ?? 0) >= MAX_FAILURES;
  }

  async reset(username: string): Promise<void> {
    this.failures.delete(username);
  }

  async onPasswordResetRequested(username: string): Promise<void> {
    this.failures.delete(username);
  }
}
