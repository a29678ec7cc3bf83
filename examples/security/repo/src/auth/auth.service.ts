import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AdminRepository } from '../admin/admin.repository';
import { LockoutService } from './lockout.service';
import { compareHash } from './hash';

@Injectable()
export class AuthService {
  constructor(
    private readonly admins: AdminRepository,
    private readonly lockout: LockoutService,
  ) {}

  async signIn(username: string, password: string): Promise<string> {
    const admin = await this.admins.findByUsername(username);
    if (!admin) {
      throw new UnauthorizedException('invalid credentials');
    }
    if (!(await compareHash(password, admin.passwordHash))) {
      await this.lockout.recordFailure(username);
      throw new UnauthorizedException('invalid credentials');
    }
    await this.lockout.reset(username);
    return this.issueToken(admin.id, admin.role);
  }

  private issueToken(adminId: number, role: string): string {
    return `${adminId}.${role}`;
  }
}
