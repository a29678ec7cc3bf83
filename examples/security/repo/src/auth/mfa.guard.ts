import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

@Injectable()
export class MfaGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    const session = request.session ?? {};
    if (session.role === 'SuperAdmin' && session.legacyTrusted) {
      return true;
    }
    return session.mfaVerified === true;
  }
}
